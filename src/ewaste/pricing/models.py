"""Quotes with their line-by-line breakdown, their history, and versioned price inputs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
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
    """What the household will be paid at the door, fen CNY (0 when collected free)."""
    net_fen_exact: Mapped[str] = mapped_column(String(40))
    """The exact sum of the lines in fen, a decimal string; may be negative."""
    free_collection: Mapped[bool] = mapped_column(Boolean)
    region: Mapped[str] = mapped_column(String(40))
    catalogue_version: Mapped[str] = mapped_column(String(16))
    price_book_max_id: Mapped[int] = mapped_column(BigInteger)
    """The newest price input the quote could see: with `created_at` it rebuilds the book."""
    breakdown: Mapped[str] = mapped_column(Text)
    """The items and every line as JSON, as shown to the household; never changed."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: QuoteEvent) -> tuple[str, str]:
        """Move along the table; return (from, to) for the history row."""
        before = self.status
        self.status = next_quote_status(QuoteStatus(before), event).value
        return before, self.status


class PriceInput(Base):
    """One version of one price input, effective from a date; never updated or deleted.

    The value in force for (kind, key, region) at a moment is the row with the latest
    `effective_from` not after it (the highest id among equals). History is the table.
    """

    __tablename__ = "price_input"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('commodity', 'treatment_per_kg', 'treatment_per_unit', 'reuse', 'bonus', "
            "'transport_per_km', 'transport_per_kg', 'subsidy_share')",
            name="kind_known",
        ),
        CheckConstraint("micro_yuan >= 0", name="value_non_negative"),
        Index("ix_price_input_lookup", "region", "kind", "key", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(80))
    """What is priced: a commodity, a material, "category|variant", "producer|category"."""
    region: Mapped[str] = mapped_column(String(40))
    micro_yuan: Mapped[int] = mapped_column(BigInteger)
    """Millionths of a yuan per kg / unit / km by kind; basis points for subsidy_share."""
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime())
    effective_to: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    source: Mapped[str] = mapped_column(String(1000))
    estimate: Mapped[bool] = mapped_column(Boolean)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())


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
