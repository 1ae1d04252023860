"""Dispatch: route plans written by the city planner

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 15:00:00+00:00

`route_plan.planned_by` may now also be 'city_plan': the city planner
(`dispatch.plan_routes`) re-plans every unstarted stop of a day across collectors and
stores each collector's new order.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "planned_by IN ('insertion', 'reoptimised')"
NEW = "planned_by IN ('insertion', 'reoptimised', 'city_plan')"


def upgrade() -> None:
    with op.batch_alter_table("route_plan") as batch:
        batch.drop_constraint(op.f("ck_route_plan_planned_by_known"), type_="check")
        batch.create_check_constraint("planned_by_known", NEW)


def downgrade() -> None:
    op.execute("UPDATE route_plan SET planned_by = 'insertion' WHERE planned_by = 'city_plan'")
    with op.batch_alter_table("route_plan") as batch:
        batch.drop_constraint(op.f("ck_route_plan_planned_by_known"), type_="check")
        batch.create_check_constraint("planned_by_known", OLD)
