"""Money: settlement by credit tier (advances, holding periods, recoveries)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 13:30:00+00:00

`settlement` has one row per sale seen from the seller's side (a lot's station, or the
collector of a station receipt), unique on its `source`, recording the tier in force at the
sale, what the guarantee fund advanced, how the share was paid (repaid, recovered, paid,
held, shortfall) and when; it follows a state table whose transitions are kept in the
append-only `settlement_status_change`. `settlement_seller` holds each seller's outstanding
advances and its recovery balance (what it owes the fund), locked while they change; CHECKs
keep both at or above zero (docs/adr/0020).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards, drop_append_only_guards
from ewaste.db.types import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("settlement_status_change",)
AMOUNTS = (
    "price_fen >= 0 AND advanced_fen >= 0 AND advance_limit_fen >= 0 AND repaid_fen >= 0 "
    "AND recovered_fen >= 0 AND paid_fen >= 0 AND held_fen >= 0 AND shortfall_fen >= 0"
)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}")
    )


def upgrade() -> None:
    op.create_table(
        "settlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(8), nullable=False),
        sa.Column("release", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("holding_seconds", sa.Integer(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("advance_limit_fen", sa.BigInteger(), nullable=False),
        sa.Column("advanced_fen", sa.BigInteger(), nullable=False),
        sa.Column("share_fen", sa.BigInteger(), nullable=True),
        sa.Column("repaid_fen", sa.BigInteger(), nullable=False),
        sa.Column("shortfall_fen", sa.BigInteger(), nullable=False),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("held_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("sold_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=True),
        sa.Column("release_due_at", UTCDateTime(), nullable=True),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status <> 'settled' OR repaid_fen + shortfall_fen = advanced_fen",
            name=op.f("ck_settlement_advance_accounted"),
        ),
        sa.CheckConstraint(
            "status IN ('awarded', 'advanced', 'held', 'settled')",
            name=op.f("ck_settlement_status_known"),
        ),
        sa.CheckConstraint(
            "tier IN ('top', 'middle', 'new')", name=op.f("ck_settlement_tier_known")
        ),
        sa.CheckConstraint(AMOUNTS, name=op.f("ck_settlement_amounts_not_negative")),
        _fk("settlement", "payer_id", "organisation.id"),
        _fk("settlement", "seller_id", "organisation.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement")),
        sa.UniqueConstraint("source", name=op.f("uq_settlement_source")),
    )
    op.create_index("ix_settlement_held_due", "settlement", ["status", "release_due_at"])
    op.create_index(op.f("ix_settlement_seller_id"), "settlement", ["seller_id"])
    op.create_table(
        "settlement_seller",
        sa.Column("seller_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("outstanding_fen", sa.BigInteger(), nullable=False),
        sa.Column("owed_fen", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "outstanding_fen >= 0", name=op.f("ck_settlement_seller_outstanding_not_negative")
        ),
        sa.CheckConstraint("owed_fen >= 0", name=op.f("ck_settlement_seller_owed_not_negative")),
        _fk("settlement_seller", "seller_id", "organisation.id"),
        sa.PrimaryKeyConstraint("seller_id", name=op.f("pk_settlement_seller")),
    )
    op.create_table(
        "settlement_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(12), nullable=False),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("event", sa.String(12), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        _fk("settlement_status_change", "settlement_id", "settlement.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_status_change")),
    )
    op.create_index(
        op.f("ix_settlement_status_change_settlement_id"),
        "settlement_status_change",
        ["settlement_id"],
    )
    add_append_only_guards(*APPEND_ONLY)


def downgrade() -> None:
    drop_append_only_guards(*APPEND_ONLY)
    op.drop_index(
        op.f("ix_settlement_status_change_settlement_id"), table_name="settlement_status_change"
    )
    op.drop_table("settlement_status_change")
    op.drop_table("settlement_seller")
    op.drop_index(op.f("ix_settlement_seller_id"), table_name="settlement")
    op.drop_index("ix_settlement_held_due", table_name="settlement")
    op.drop_table("settlement")
