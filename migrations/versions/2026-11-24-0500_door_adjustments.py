"""Door adjustments: itemised, evidenced deductions the household accepts or declines

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 04:41:55.286707+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


STATUS_OLD = "status IN ('requested', 'assigned', 'collected', 'cancelled', 'expired')"
STATUS_NEW = (
    "status IN ('requested', 'assigned', 'adjustment_proposed', 'collected', 'cancelled', "
    "'expired')"
)


def upgrade() -> None:
    op.create_table(
        "door_adjustment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pickup_id", sa.Integer(), nullable=False),
        sa.Column("collector_id", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("photo_ref", sa.String(length=200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "decision IN ('pending', 'accepted', 'declined')",
            name=op.f("ck_door_adjustment_decision_known"),
        ),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_door_adjustment_amount_non_negative")),
        sa.ForeignKeyConstraint(
            ["collector_id"],
            ["organisation.id"],
            name=op.f("fk_door_adjustment_collector_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["pickup_id"], ["pickup.id"], name=op.f("fk_door_adjustment_pickup_id_pickup")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_door_adjustment")),
    )
    with op.batch_alter_table("door_adjustment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_door_adjustment_collector_id"), ["collector_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_door_adjustment_pickup_id"), ["pickup_id"], unique=False
        )

    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deductions_fen", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.alter_column(
            "status", existing_type=sa.String(length=12), type_=sa.String(length=24)
        )
        batch_op.drop_constraint(op.f("ck_pickup_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", STATUS_NEW)
    with op.batch_alter_table("pickup_status_change", schema=None) as batch_op:
        for column in ("from_status", "to_status"):
            batch_op.alter_column(
                column, existing_type=sa.String(length=12), type_=sa.String(length=24)
            )
    _restore_sqlite_guards("pickup_status_change")


def downgrade() -> None:
    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.drop_column("deductions_fen")
        batch_op.drop_constraint(op.f("ck_pickup_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", STATUS_OLD)

    with op.batch_alter_table("door_adjustment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_door_adjustment_pickup_id"))
        batch_op.drop_index(batch_op.f("ix_door_adjustment_collector_id"))

    op.drop_table("door_adjustment")


def _restore_sqlite_guards(table: str) -> None:
    # SQLite's batch mode rebuilds the table, which drops its append-only triggers
    # (revision 0002); put them back. PostgreSQL alters in place and keeps them.
    if op.get_bind().dialect.name != "sqlite":
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action.lower()}")
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
        )
