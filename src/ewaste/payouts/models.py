"""Bank accounts, payouts, bank batches and their status histories."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.payouts.rules import (
    BatchEvent,
    BatchStatus,
    PayoutEvent,
    PayoutStatus,
    next_batch_status,
    next_payout_status,
)

_PAYOUT_STATUSES = ", ".join(f"'{s.value}'" for s in PayoutStatus)
_BATCH_STATUSES = ", ".join(f"'{s.value}'" for s in BatchStatus)


class BankAccount(Base):
    """Where an organisation is paid; one per organisation, replaced when it changes.

    A payout copies the details it is paid to, so changing the account never changes
    a payout already requested.
    """

    __tablename__ = "bank_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    holder: Mapped[str] = mapped_column(String(100))
    bank_name: Mapped[str] = mapped_column(String(100))
    account_number: Mapped[str] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PayoutBatch(Base):
    """A bank batch: the payouts sent to the bank in one file."""

    __tablename__ = "payout_batch"
    __table_args__ = (CheckConstraint(f"status IN ({_BATCH_STATUSES})", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    payout_count: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    """Sum of the batch's payouts, fen CNY."""
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: BatchEvent) -> tuple[str, str]:
        """Move along the batch table; return (from, to) for the history row."""
        before = self.status
        self.status = next_batch_status(BatchStatus(before), event).value
        return before, self.status


class Payout(Base):
    """A party's withdrawal to its bank account, with the key its request carried."""

    __tablename__ = "payout"
    __table_args__ = (
        CheckConstraint(f"status IN ({_PAYOUT_STATUSES})", name="status_known"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        UniqueConstraint("organisation_id", "idempotency_key", name="uq_payout_request_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    """Amount to pay out, fen CNY."""
    idempotency_key: Mapped[str] = mapped_column(String(100))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    holder: Mapped[str] = mapped_column(String(100))
    bank_name: Mapped[str] = mapped_column(String(100))
    account_number: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(16), index=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("payout_batch.id"), nullable=True, index=True
    )
    bank_reference: Mapped[str] = mapped_column(String(100), default="")
    failure_reason: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(60), default="withdrawal")
    """Why it was paid: a party's withdrawal, or a household paid directly at the door."""
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: PayoutEvent) -> tuple[str, str]:
        """Move along the payout table; return (from, to) for the history row."""
        before = self.status
        self.status = next_payout_status(PayoutStatus(before), event).value
        return before, self.status


class PayoutStatusChange(Base):
    """Append-only history of a payout's transitions."""

    __tablename__ = "payout_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payout.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class PayoutBatchStatusChange(Base):
    """Append-only history of a bank batch's transitions."""

    __tablename__ = "payout_batch_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payout_batch.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
