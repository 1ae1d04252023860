"""Accounts, journal entries and their lines (append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.ledger.rules import AccountKind

KIND_VALUES = ", ".join(f"'{kind.value}'" for kind in AccountKind)

NOT_NEGATIVE = (
    "may_go_negative OR (credit_normal AND credit_minor >= debit_minor)"
    " OR (NOT credit_normal AND debit_minor >= credit_minor)"
)
"""The balance row's guard: an account whose kind forbids it never sums below zero on its
normal side, whoever writes the row (the service checks first; this is the backstop)."""


class Account(Base):
    """A ledger account; its balance is the sum of its lines (snapshotted in `AccountBalance`)."""

    __tablename__ = "ledger_account"
    __table_args__ = (CheckConstraint(f"kind IN ({KIND_VALUES})", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    may_go_negative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JournalEntryRow(Base):
    """A posted, balanced entry. Never updated or deleted (a trigger refuses it on PostgreSQL)."""

    __tablename__ = "journal_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    description: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(120), index=True)
    reverses_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entry.id"), nullable=True, unique=True
    )


class JournalLineRow(Base):
    """One line of a posted entry: a positive amount on one side of one account."""

    __tablename__ = "journal_line"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("side IN ('debit', 'credit')", name="side_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    side: Mapped[str] = mapped_column(String(6))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    """Amount in minor units (fen), always positive; `side` says which column."""
    currency: Mapped[str] = mapped_column(String(3))


class AccountBalance(Base):
    """The sums of an account's debit and credit lines, kept with every posting.

    A snapshot, not the record: posting updates it under a row lock in the same transaction
    as the lines it adds, and `ledger.balance_mismatches` checks it against the lines. The
    account's normal side and whether it may go negative are copied here so that a CHECK
    constraint refuses a forbidden negative balance inside the database transaction.
    """

    __tablename__ = "ledger_balance"
    __table_args__ = (
        CheckConstraint("debit_minor >= 0 AND credit_minor >= 0", name="sums_positive"),
        CheckConstraint(NOT_NEGATIVE, name="not_negative"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), primary_key=True)
    debit_minor: Mapped[int] = mapped_column(BigInteger)
    """Sum of the account's debit lines, minor units (fen)."""
    credit_minor: Mapped[int] = mapped_column(BigInteger)
    """Sum of the account's credit lines, minor units (fen)."""
    credit_normal: Mapped[bool] = mapped_column(Boolean)
    """The account's normal side is credit (copied from its kind)."""
    may_go_negative: Mapped[bool] = mapped_column(Boolean)
    """The account's kind allows a balance below zero (copied from the account)."""
