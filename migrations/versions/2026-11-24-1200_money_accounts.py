"""Money: typed accounts, a database guard against forbidden negative balances, payouts

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 12:00:00+00:00

- `ledger_account.kind` admits the new account types: a party's pending and escrow
  accounts, the platform's guarantee fund and payouts in transit (docs/adr/0017).
- `ledger_balance` carries its account's normal side and whether its kind may go negative,
  and a CHECK constraint refuses a balance below zero where the kind forbids it, inside the
  writing transaction, whoever writes (the ledger's funds check runs first; this is the
  backstop). Existing rows are back-filled from their accounts.
- Bank accounts, payouts, bank batches and their status histories (append-only, refused
  UPDATE and DELETE like the other histories, ADR 0003).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards
from ewaste.db.types import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "'party_available', 'escrow', 'platform_fees', 'bank'"
NEW_KINDS = OLD_KINDS + ", 'party_pending', 'party_escrow', 'guarantee_fund', 'payouts_in_transit'"
NOT_NEGATIVE = (
    "may_go_negative OR (credit_normal AND credit_minor >= debit_minor)"
    " OR (NOT credit_normal AND debit_minor >= credit_minor)"
)
HISTORIES = ("payout_status_change", "payout_batch_status_change")


def upgrade() -> None:
    with op.batch_alter_table("ledger_account") as batch:
        batch.drop_constraint(op.f("ck_ledger_account_kind_known"), type_="check")
        batch.create_check_constraint("kind_known", f"kind IN ({NEW_KINDS})")
    with op.batch_alter_table("ledger_balance") as batch:
        batch.add_column(sa.Column("credit_normal", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("may_go_negative", sa.Boolean(), nullable=True))
    op.execute(
        """
        UPDATE ledger_balance SET
          credit_normal = (SELECT a.kind <> 'bank' FROM ledger_account a
                           WHERE a.id = ledger_balance.account_id),
          may_go_negative = (SELECT a.may_go_negative FROM ledger_account a
                             WHERE a.id = ledger_balance.account_id)
        """
    )
    with op.batch_alter_table("ledger_balance") as batch:
        batch.alter_column("credit_normal", existing_type=sa.Boolean(), nullable=False)
        batch.alter_column("may_go_negative", existing_type=sa.Boolean(), nullable=False)
        batch.create_check_constraint("not_negative", NOT_NEGATIVE)

    op.create_table(
        "bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("account_number", sa.String(length=30), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_bank_account_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_account")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_bank_account_organisation_id")),
    )
    op.create_table(
        "payout_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payout_count", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('created', 'sent', 'settled')", name=op.f("ck_payout_batch_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_payout_batch_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_batch")),
    )
    op.create_index(op.f("ix_payout_batch_status"), "payout_batch", ["status"])
    op.create_table(
        "payout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("account_number", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("bank_reference", sa.String(length=100), nullable=False),
        sa.Column("failure_reason", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payout_amount_positive")),
        sa.CheckConstraint(
            "status IN ('requested', 'batched', 'paid', 'failed')",
            name=op.f("ck_payout_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["payout_batch.id"], name=op.f("fk_payout_batch_id_payout_batch")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_payout_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout")),
        sa.UniqueConstraint("organisation_id", "idempotency_key", name="uq_payout_request_key"),
    )
    op.create_index(op.f("ix_payout_batch_id"), "payout", ["batch_id"])
    op.create_index(op.f("ix_payout_organisation_id"), "payout", ["organisation_id"])
    op.create_index(op.f("ix_payout_requested_at"), "payout", ["requested_at"])
    op.create_index(op.f("ix_payout_status"), "payout", ["status"])
    for table, parent, column in (
        ("payout_status_change", "payout", "payout_id"),
        ("payout_batch_status_change", "payout_batch", "batch_id"),
    ):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.Column("from_status", sa.String(length=16), nullable=False),
            sa.Column("to_status", sa.String(length=16), nullable=False),
            sa.Column("event", sa.String(length=16), nullable=False),
            sa.Column("actor_id", sa.Integer(), nullable=True),
            sa.Column("at", UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["actor_id"], ["app_user.id"], name=op.f(f"fk_{table}_actor_id_app_user")
            ),
            sa.ForeignKeyConstraint(
                [column], [f"{parent}.id"], name=op.f(f"fk_{table}_{column}_{parent}")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])
    add_append_only_guards(*HISTORIES)


def downgrade() -> None:
    for table in HISTORIES:
        op.drop_table(table)
    op.drop_table("payout")
    op.drop_table("payout_batch")
    op.drop_table("bank_account")
    with op.batch_alter_table("ledger_balance") as batch:
        batch.drop_constraint(op.f("ck_ledger_balance_not_negative"), type_="check")
        batch.drop_column("may_go_negative")
        batch.drop_column("credit_normal")
    with op.batch_alter_table("ledger_account") as batch:
        batch.drop_constraint(op.f("ck_ledger_account_kind_known"), type_="check")
        batch.create_check_constraint("kind_known", f"kind IN ({OLD_KINDS})")
