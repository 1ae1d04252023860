"""Route plans: each collector's planned stop order for a day, kept by live insertion and
re-optimised by the worker

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 08:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "route_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collector_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stops", sa.Text(), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_by", sa.String(length=12), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "planned_by IN ('insertion', 'reoptimised')",
            name=op.f("ck_route_plan_planned_by_known"),
        ),
        sa.ForeignKeyConstraint(
            ["collector_id"],
            ["organisation.id"],
            name=op.f("fk_route_plan_collector_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_plan")),
        sa.UniqueConstraint("collector_id", "day", name=op.f("uq_route_plan_collector_id_day")),
    )
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_route_plan_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("route_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_route_plan_day"))
    op.drop_table("route_plan")
