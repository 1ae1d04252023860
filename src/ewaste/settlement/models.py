"""Settlements (one per sale, seen from the seller's side), their status history, and each
seller's advance and recovery balances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.settlement.rules import SettlementEvent, SettlementStatus, next_settlement_status

_STATUSES = ", ".join(f"'{s.value}'" for s in SettlementStatus)


class Settlement(Base):
    """When and how one sale's proceeds reach the seller, under the tier in force at the
    sale (recorded here with the score it was read from, so it can be audited).

    `source` names the sale (`lot:{id}` or `station-receipt:{id}`), the same string its
    journal entries carry. Every amount is fen CNY."""

    __tablename__ = "settlement"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint("tier IN ('top', 'middle', 'new')", name="tier_known"),
        CheckConstraint(
            "price_fen >= 0 AND advanced_fen >= 0 AND advance_limit_fen >= 0 "
            "AND repaid_fen >= 0 AND recovered_fen >= 0 AND paid_fen >= 0 "
            "AND held_fen >= 0 AND shortfall_fen >= 0",
            name="amounts_not_negative",
        ),
        CheckConstraint(
            "status <> 'settled' OR repaid_fen + shortfall_fen = advanced_fen",
            name="advance_accounted",
        ),
        Index("ix_settlement_held_due", "status", "release_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(120), unique=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    payer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    tier: Mapped[str] = mapped_column(String(8))
    release: Mapped[str] = mapped_column(String(16))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The credit score the tier was read from (None: never scored)."""
    holding_seconds: Mapped[int] = mapped_column(Integer, default=0)
    """How long the share waits in pending after reception (new/low tier)."""
    price_fen: Mapped[int] = mapped_column(BigInteger)
    """The sale's price as agreed (the contract price, or the station's price)."""
    advance_limit_fen: Mapped[int] = mapped_column(BigInteger)
    advanced_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """What the guarantee fund advanced at award."""
    share_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """The seller's share at the decided price, known at reception."""
    repaid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """Of the share, what repaid this sale's advance."""
    shortfall_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """What the advance exceeded the share by: the fund's loss, owed by the seller."""
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """Of the share, what repaid the seller's earlier debt to the fund."""
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """What reached the seller's available balance when the share was released."""
    held_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """What waited in the seller's pending account (new/low tier)."""
    status: Mapped[str] = mapped_column(String(12))
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    release_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: SettlementEvent) -> tuple[str, str]:
        """Move along the settlement table; return (from, to) for the history row.
        Raises IllegalSettlementTransition."""
        before = self.status
        self.status = next_settlement_status(SettlementStatus(before), event).value
        return before, self.status


class SettlementStatusChange(Base):
    """One transition of a settlement (the first row, from "", records its creation)."""

    __tablename__ = "settlement_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlement.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    event: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(300), default="")


class SettlementSeller(Base):
    """A seller's running totals, locked while its advances and recoveries change:
    what the fund has advanced and not yet been repaid, and what the seller owes the fund
    (the recovery balance). Both equal sums over its settlement rows (checked by tests)."""

    __tablename__ = "settlement_seller"
    __table_args__ = (
        CheckConstraint("outstanding_fen >= 0", name="outstanding_not_negative"),
        CheckConstraint("owed_fen >= 0", name="owed_not_negative"),
    )

    seller_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), primary_key=True, autoincrement=False
    )
    outstanding_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """Advances not yet settled at reception, fen CNY."""
    owed_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """Shortfalls not yet recovered from later earnings, fen CNY."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
