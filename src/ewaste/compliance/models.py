"""Per-unit dismantling records and their output fractions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime


class DismantlingRecord(Base):
    """The dismantling of one unit at a plant; one per unit, ever."""

    __tablename__ = "dismantling_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    unit_code: Mapped[str] = mapped_column(String(20))
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    dismantled_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    line: Mapped[str] = mapped_column(String(40))
    evidence: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class DismantlingOutput(Base):
    """One output fraction of a dismantled unit."""

    __tablename__ = "dismantling_output"
    __table_args__ = (
        UniqueConstraint("record_id", "fraction"),
        CheckConstraint("grams >= 0", name="grams_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("dismantling_record.id"), index=True)
    fraction: Mapped[str] = mapped_column(String(20))
    grams: Mapped[int] = mapped_column(Integer)
    """Mass of this fraction recovered from the unit, grams."""
