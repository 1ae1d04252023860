"""Station receipts, lots, their units and status history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.exchange.rules import LotEvent, LotStatus, next_lot_status

_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in LotStatus)


class StationReceipt(Base):
    """A delivery of units by a collector to a station, scanned in and paid for."""

    __tablename__ = "station_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit_count: Mapped[int] = mapped_column(Integer)
    grams: Mapped[int] = mapped_column(Integer)
    """Door mass of the units received, grams."""
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    """Paid by the station to the collector, fen CNY."""


class Lot(Base):
    """Units of one category at one station, offered to licensed plants."""

    __tablename__ = "lot"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status_known"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("unit_count > 0", name="unit_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"), index=True)
    hazardous: Mapped[bool] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), index=True)
    unit_count: Mapped[int] = mapped_column(Integer)
    grams: Mapped[int] = mapped_column(Integer)
    """Sum of the units' door masses, grams."""
    price_fen: Mapped[int] = mapped_column(BigInteger)
    """Fixed price of the whole lot, fen CNY, paid by the buying plant."""
    plant_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_units: Mapped[int | None] = mapped_column(Integer, nullable=True)
    received_grams: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Weighbridge mass at the plant, grams."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: LotEvent) -> tuple[str, str]:
        """Move along the table; return (from, to) for the history row."""
        before = self.status
        self.status = next_lot_status(LotStatus(before), event).value
        return before, self.status


class LotUnit(Base):
    """Membership of a unit in a lot; a unit belongs to at most one lot."""

    __tablename__ = "lot_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    unit_code: Mapped[str] = mapped_column(String(20))


class LotStatusChange(Base):
    """Append-only history of a lot's transitions."""

    __tablename__ = "lot_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    event: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(300), default="")
