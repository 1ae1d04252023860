"""Dispatch: the moves a city plan declined

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-24 21:00:00+00:00

`city_plan_run.declined_moves`: the moves the search proposed that did not pay for
themselves (1 km saved per moved stop), so the run kept everyone's stops; the staff
page's "last city plan" says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("city_plan_run") as batch:
        batch.add_column(
            sa.Column("declined_moves", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("city_plan_run") as batch:
        batch.drop_column("declined_moves")
