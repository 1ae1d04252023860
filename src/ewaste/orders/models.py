"""Household pickups and their status history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.orders.rules import PickupEvent, PickupStatus, next_pickup_status

_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in PickupStatus)


class Pickup(Base):
    """A booked door pickup of the items of one quote."""

    __tablename__ = "pickup"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status_known"),
        CheckConstraint("window_start < window_end", name="window_ordered"),
        CheckConstraint("estimated_grams > 0", name="estimated_grams_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id"), unique=True)
    address: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float] = mapped_column(Float)
    """Latitude of the door, decimal degrees (WGS-84)."""
    lon: Mapped[float] = mapped_column(Float)
    """Longitude of the door, decimal degrees (WGS-84)."""
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str] = mapped_column(String(20))
    estimated_grams: Mapped[int] = mapped_column(Integer)
    """Expected load from the catalogue's typical masses, grams."""
    estimated_litres: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Room the items take on the vehicle, litres (catalogue handling facts)."""
    service_seconds: Mapped[int] = mapped_column(Integer, default=600, server_default="600")
    """Expected time at the door, seconds."""
    skills: Mapped[str] = mapped_column(String(120), default="", server_default="")
    """Skills the collector needs, "|"-separated (e.g. air_conditioner_removal|refrigerant)."""
    quoted_fen: Mapped[int] = mapped_column(BigInteger)
    """The quote's total, to be paid to the household at the door, fen CNY."""
    deductions_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """Door deductions the household accepted, fen CNY (itemised in door_adjustment)."""
    paid_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """What the household was actually paid at the door, fen CNY (null until collected)."""
    status: Mapped[str] = mapped_column(String(24), index=True)
    collector_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: PickupEvent) -> tuple[str, str]:
        """Move along the table; return (from, to) for the history row."""
        before = self.status
        self.status = next_pickup_status(PickupStatus(before), event).value
        return before, self.status


class PickupStatusChange(Base):
    """Append-only history of a pickup's transitions."""

    __tablename__ = "pickup_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    pickup_id: Mapped[int] = mapped_column(ForeignKey("pickup.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    event: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(200), default="")


class DoorAdjustment(Base):
    """A deduction the collector proposed at the door for one unit, with its evidence,
    and the household's decision. Counted per collector."""

    __tablename__ = "door_adjustment"
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount_non_negative"),
        CheckConstraint("decision IN ('pending', 'accepted', 'declined')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pickup_id: Mapped[int] = mapped_column(ForeignKey("pickup.id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    item_index: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(40))
    photo_ref: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    """Deduction from the quoted price for this unit, fen CNY (repriced with the quote's book)."""
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decision: Mapped[str] = mapped_column(String(10), default="pending")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
