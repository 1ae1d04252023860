"""Exchange: units missing at reception that turn up at the plant afterwards

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-24 23:30:00+00:00

`lot_found_unit`: a unit a lot's reception reported missing, received at the plant later
and paid for by the plant (its pro rata share); append-only like the discrepancy's
history. The custody state table gains `missing` → `at_plant` on a reception (code only:
the unit statuses and event kinds are unchanged).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards, drop_append_only_guards
from ewaste.db.types import UTCDateTime

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "lot_found_unit"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discrepancy_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(20), nullable=False),
        sa.Column("found_at", UTCDateTime(), nullable=False),
        sa.Column("found_by", sa.Integer(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("paid_fen >= 0", name=op.f(f"ck_{TABLE}_paid_not_negative")),
        sa.ForeignKeyConstraint(
            ["discrepancy_id"],
            ["lot_discrepancy.id"],
            name=op.f(f"fk_{TABLE}_discrepancy_id_lot_discrepancy"),
        ),
        sa.ForeignKeyConstraint(
            ["found_by"], ["app_user.id"], name=op.f(f"fk_{TABLE}_found_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint(
            "discrepancy_id", "unit_code", name=op.f(f"uq_{TABLE}_discrepancy_id_unit_code")
        ),
    )
    op.create_index(op.f(f"ix_{TABLE}_discrepancy_id"), TABLE, ["discrepancy_id"])
    add_append_only_guards(TABLE)


def downgrade() -> None:
    drop_append_only_guards(TABLE)
    op.drop_index(op.f(f"ix_{TABLE}_discrepancy_id"), table_name=TABLE)
    op.drop_table(TABLE)
