"""Per-account balance rows, kept with every posting and checked against the lines

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 10:00:00+00:00

`ledger_balance` holds, per account, the sums of its debit and credit lines. Posting locks
the touched accounts' balance rows (in account id order), checks the balance after the entry
where the account's kind forbids going negative, and adds the entry's amounts in the same
transaction, so the check no longer sums the account's whole history (docs/adr/0012).
The lines stay the record: `ledger.balance_mismatches` compares each row with the sum of its
account's lines. Existing accounts are back-filled from their lines.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_balance",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("debit_minor", sa.BigInteger(), nullable=False),
        sa.Column("credit_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_account.id"],
            name=op.f("fk_ledger_balance_account_id_ledger_account"),
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_ledger_balance")),
        sa.CheckConstraint(
            "debit_minor >= 0 AND credit_minor >= 0", name=op.f("ck_ledger_balance_sums_positive")
        ),
    )
    op.execute(
        """
        INSERT INTO ledger_balance (account_id, debit_minor, credit_minor)
        SELECT a.id,
               COALESCE(SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor END), 0),
               COALESCE(SUM(CASE WHEN l.side = 'credit' THEN l.amount_minor END), 0)
        FROM ledger_account a LEFT JOIN journal_line l ON l.account_id = a.id
        GROUP BY a.id
        """
    )


def downgrade() -> None:
    op.drop_table("ledger_balance")
