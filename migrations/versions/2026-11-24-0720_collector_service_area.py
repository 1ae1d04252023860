"""Collector service areas: a centre and a radius (none: the whole city)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 07:20:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AREA_COMPLETE = (
    "(area_lat IS NULL AND area_lon IS NULL AND area_radius_m IS NULL) OR "
    "(area_lat IS NOT NULL AND area_lon IS NOT NULL AND area_radius_m > 0)"
)


def upgrade() -> None:
    with op.batch_alter_table("collector_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("area_lon", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("area_radius_m", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("area_complete", AREA_COMPLETE)


def downgrade() -> None:
    with op.batch_alter_table("collector_profile", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_collector_profile_area_complete"), type_="check")
        batch_op.drop_column("area_radius_m")
        batch_op.drop_column("area_lon")
        batch_op.drop_column("area_lat")
