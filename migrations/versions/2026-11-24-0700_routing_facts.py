"""Routing facts: collectors' volume, shift, skills and end station; pickups' volume,
time at the door and needed skills

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 07:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHIFT_ORDERED = (
    "shift_start_minute >= 0 AND shift_start_minute < shift_end_minute AND shift_end_minute <= 1440"
)


def upgrade() -> None:
    with op.batch_alter_table("collector_profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("capacity_litres", sa.Integer(), nullable=False, server_default="6000")
        )
        batch_op.add_column(
            sa.Column("shift_start_minute", sa.Integer(), nullable=False, server_default="480")
        )
        batch_op.add_column(
            sa.Column("shift_end_minute", sa.Integer(), nullable=False, server_default="1200")
        )
        batch_op.add_column(
            sa.Column("skills", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("station_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_collector_profile_station_id_organisation"),
            "organisation",
            ["station_id"],
            ["id"],
        )
        batch_op.create_check_constraint("capacity_litres_positive", "capacity_litres > 0")
        batch_op.create_check_constraint("shift_ordered", SHIFT_ORDERED)
    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("estimated_litres", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("service_seconds", sa.Integer(), nullable=False, server_default="600")
        )
        batch_op.add_column(
            sa.Column("skills", sa.String(length=120), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.drop_column("skills")
        batch_op.drop_column("service_seconds")
        batch_op.drop_column("estimated_litres")
    with op.batch_alter_table("collector_profile", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_collector_profile_shift_ordered"), type_="check")
        batch_op.drop_constraint(
            op.f("ck_collector_profile_capacity_litres_positive"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_collector_profile_station_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_column("station_id")
        batch_op.drop_column("skills")
        batch_op.drop_column("shift_end_minute")
        batch_op.drop_column("shift_start_minute")
        batch_op.drop_column("capacity_litres")
