"""Quotes, their priced lines and their status history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.pricing.rules import QuoteEvent, QuoteStatus, next_quote_status

_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in QuoteStatus)


class Quote(Base):
    """A binding price for a household's items, valid until `expires_at`."""

    __tablename__ = "quote"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status_known"),
        CheckConstraint("total_fen >= 0", name="total_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    """What the household will be paid at the door, fen CNY."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: QuoteEvent) -> tuple[str, str]:
        """Move along the table; return (from, to) for the history row."""
        before = self.status
        self.status = next_quote_status(QuoteStatus(before), event).value
        return before, self.status


class QuoteLine(Base):
    """One priced line of a quote."""

    __tablename__ = "quote_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(BigInteger)
    """Price per unit, fen CNY."""
    total_fen: Mapped[int] = mapped_column(BigInteger)
    """quantity × unit price, fen CNY."""
    basis: Mapped[str] = mapped_column(String(400))


class QuoteStatusChange(Base):
    """Append-only history of a quote's transitions."""

    __tablename__ = "quote_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    event: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
