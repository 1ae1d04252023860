"""Collector profiles: vehicle and capacity."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base


class CollectorProfile(Base):
    """What a collector organisation can carry and whether it takes work now."""

    __tablename__ = "collector_profile"
    __table_args__ = (
        CheckConstraint("capacity_grams > 0", name="capacity_positive"),
        CheckConstraint("vehicle IN ('tricycle', 'van', 'truck')", name="vehicle_known"),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    vehicle: Mapped[str] = mapped_column(String(10))
    capacity_grams: Mapped[int] = mapped_column(Integer)
    """Payload of the vehicle, grams."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    badge: Mapped[str] = mapped_column(String(20), unique=True)
    """Badge number the household can check at the door."""
