"""Dispatch: the runs of the city plan

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-24 15:30:00+00:00

`city_plan_run`: one row per run of the city plan of a day (who started it, when, what
it did). The worker plans a day again `EWASTE_CITY_PLAN_EVERY_MINUTES` after its last
run; the staff page shows the last one.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.types import UTCDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "city_plan_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("started_by", sa.String(length=8), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("before_m", sa.Integer(), nullable=False),
        sa.Column("after_m", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "started_by IN ('worker', 'operator')",
            name=op.f("ck_city_plan_run_started_by_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_plan_run")),
    )
    op.create_index(op.f("ix_city_plan_run_day"), "city_plan_run", ["day"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_city_plan_run_day"), table_name="city_plan_run")
    op.drop_table("city_plan_run")
