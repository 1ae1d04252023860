"""Dispatch: a collector sets out for a stop

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-24 20:00:00+00:00

`route_plan.heading_to` / `heading_since`: the pickup the collector said it set out for,
and when. Readers lock it like a started stop, so no plan takes it away mid-drive.
`route_plan.planned_by` may now also be 'collector': the collector set out for a stop
out of the planned order.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.types import UTCDateTime

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "planned_by IN ('insertion', 'reoptimised', 'city_plan')"
NEW = "planned_by IN ('insertion', 'reoptimised', 'city_plan', 'collector')"


def upgrade() -> None:
    with op.batch_alter_table("route_plan") as batch:
        batch.add_column(sa.Column("heading_to", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("heading_since", UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_route_plan_heading_to_pickup"), "pickup", ["heading_to"], ["id"]
        )
        batch.drop_constraint(op.f("ck_route_plan_planned_by_known"), type_="check")
        batch.create_check_constraint("planned_by_known", NEW)


def downgrade() -> None:
    op.execute("UPDATE route_plan SET planned_by = 'insertion' WHERE planned_by = 'collector'")
    with op.batch_alter_table("route_plan") as batch:
        batch.drop_constraint(op.f("ck_route_plan_planned_by_known"), type_="check")
        batch.create_check_constraint("planned_by_known", OLD)
        batch.drop_constraint(op.f("fk_route_plan_heading_to_pickup"), type_="foreignkey")
        batch.drop_column("heading_since")
        batch.drop_column("heading_to")
