"""Hash-chain the custody log and add signed checkpoints (append-only)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 09:30:00+00:00

Every custody event gets its place in one global chain (`chain_seq`), the previous
event's hash and its own (docs/adr/0013), and may point at the event it corrects
(`corrects_id`). Existing events are chained in id order. The append-only triggers are
lifted only for the back-fill, inside this migration's transaction, and put back; the
new `custody_checkpoint` table gets the same triggers.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.custody.chain import CHAIN_FIELDS, GENESIS_HASH, event_hash
from ewaste.db.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("custody_event", "custody_checkpoint")


def _drop_guards(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def _add_guards(table: str) -> None:
    # The same guards as migration 0002 (refuse_change() exists on PostgreSQL since then).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
            )


def _backfill() -> None:
    event = sa.table(
        "custody_event",
        sa.column("id", sa.Integer()),
        sa.column("unit_id", sa.Integer()),
        sa.column("seq", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("from_id", sa.Integer()),
        sa.column("to_id", sa.Integer()),
        sa.column("occurred_at", UTCDateTime()),
        sa.column("lat", sa.Float()),
        sa.column("lon", sa.Float()),
        sa.column("grams", sa.Integer()),
        sa.column("evidence", sa.String()),
        sa.column("ref", sa.String()),
        sa.column("recorded_by", sa.Integer()),
        sa.column("corrects_id", sa.Integer()),
        sa.column("chain_seq", sa.BigInteger()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(*(event.c[name] for name in CHAIN_FIELDS if name != "chain_seq")).order_by(
            event.c.id
        )
    ).all()
    prev = GENESIS_HASH
    for chain_seq, row in enumerate(rows, start=1):
        fields = {"chain_seq": chain_seq, **row._asdict()}
        digest = event_hash(fields, prev)
        bind.execute(
            event.update()
            .where(event.c.id == row.id)
            .values(chain_seq=chain_seq, prev_hash=prev, hash=digest)
        )
        prev = digest


def upgrade() -> None:
    _drop_guards("custody_event")
    with op.batch_alter_table("custody_event") as batch:
        batch.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _backfill()
    with op.batch_alter_table("custody_event") as batch:
        batch.alter_column("chain_seq", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_custody_event_chain_seq"), ["chain_seq"])
        batch.create_check_constraint(op.f("ck_custody_event_chain_seq_positive"), "chain_seq >= 1")
        batch.create_foreign_key(
            op.f("fk_custody_event_corrects_id_custody_event"),
            "custody_event",
            ["corrects_id"],
            ["id"],
        )
    _add_guards("custody_event")
    op.create_table(
        "custody_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_checkpoint")),
        sa.UniqueConstraint("last_chain_seq", name=op.f("uq_custody_checkpoint_last_chain_seq")),
    )
    _add_guards("custody_checkpoint")


def downgrade() -> None:
    _drop_guards("custody_checkpoint")
    op.drop_table("custody_checkpoint")
    _drop_guards("custody_event")
    with op.batch_alter_table("custody_event") as batch:
        batch.drop_constraint(
            op.f("fk_custody_event_corrects_id_custody_event"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("ck_custody_event_chain_seq_positive"), type_="check")
        batch.drop_constraint(op.f("uq_custody_event_chain_seq"), type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("chain_seq")
        batch.drop_column("corrects_id")
    _add_guards("custody_event")
