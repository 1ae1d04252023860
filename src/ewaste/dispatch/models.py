"""Collector profiles (vehicle and capacity), pickup offers and planned route orders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.dispatch.rules import OfferEvent, OfferStatus, next_offer_status


class CollectorProfile(Base):
    """What a collector organisation can carry and whether it takes work now."""

    __tablename__ = "collector_profile"
    __table_args__ = (
        CheckConstraint("capacity_grams > 0", name="capacity_positive"),
        CheckConstraint("vehicle IN ('tricycle', 'van', 'truck')", name="vehicle_known"),
        CheckConstraint("capacity_litres > 0", name="capacity_litres_positive"),
        CheckConstraint(
            "shift_start_minute >= 0 AND shift_start_minute < shift_end_minute "
            "AND shift_end_minute <= 1440",
            name="shift_ordered",
        ),
        CheckConstraint(
            "(area_lat IS NULL AND area_lon IS NULL AND area_radius_m IS NULL) OR "
            "(area_lat IS NOT NULL AND area_lon IS NOT NULL AND area_radius_m > 0)",
            name="area_complete",
        ),
    )

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    vehicle: Mapped[str] = mapped_column(String(10))
    capacity_grams: Mapped[int] = mapped_column(Integer)
    """Payload of the vehicle, grams."""
    capacity_litres: Mapped[int] = mapped_column(Integer, default=6_000, server_default="6000")
    """Room on the vehicle, litres."""
    shift_start_minute: Mapped[int] = mapped_column(Integer, default=480, server_default="480")
    """When the working day starts, minutes after midnight China time (480: 08:00)."""
    shift_end_minute: Mapped[int] = mapped_column(Integer, default=1200, server_default="1200")
    """When it ends (1200: 20:00)."""
    skills: Mapped[str] = mapped_column(String(120), default="", server_default="")
    """What the collector may take on, "|"-separated (see routing.Skill)."""
    station_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), nullable=True)
    """The station the collector ends the day at (None: the nearest to its base)."""
    area_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    """Centre of the service area, latitude (None: the whole city)."""
    area_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    area_radius_m: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Radius of the service area, metres."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    badge: Mapped[str] = mapped_column(String(20), unique=True)
    """Badge number the household can check at the door."""


_OFFER_STATUSES = ", ".join(f"'{s.value}'" for s in OfferStatus)


class PickupOffer(Base):
    """A waiting pickup offered to one collector until `expires_at`; the first of the
    collectors it was offered to who accepts takes it."""

    __tablename__ = "pickup_offer"
    __table_args__ = (
        CheckConstraint(f"status IN ({_OFFER_STATUSES})", name="status_known"),
        CheckConstraint("offered_at < expires_at", name="expiry_after_offer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pickup_id: Mapped[int] = mapped_column(ForeignKey("pickup.id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    offered_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    """The operator who offered it: the assignment is made in their name on acceptance."""
    added_m: Mapped[int] = mapped_column(Integer)
    """Extra metres the pickup adds to this collector's route (its rank among the offers)."""
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: OfferEvent, *, now: datetime) -> None:
        """Move along the offer's state table (OfferClosed unless it is open)."""
        self.status = next_offer_status(self.id, OfferStatus(self.status), event).value
        self.decided_at = now


ROUTE_PLANNERS = ("insertion", "reoptimised", "city_plan")
"""Who set a route plan's order last: live insertion of a pickup, the worker's
re-optimisation (dispatch/route_plans.py) or the city plan (dispatch/city_plans.py)."""


class RoutePlan(Base):
    """A collector's planned stop order for one day (China time): the pickup ids in driving
    order, as live insertion and the worker's re-optimisation left them.

    The order is a plan, not the truth about which pickups are the collector's: readers
    drop the ids that are no longer open and place new ones (dispatch/live_routes.py).
    """

    __tablename__ = "route_plan"
    __table_args__ = (
        UniqueConstraint("collector_id", "day"),
        CheckConstraint(
            "planned_by IN ('insertion', 'reoptimised', 'city_plan', 'collector')",
            name="planned_by_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    stops: Mapped[str] = mapped_column(Text)
    """Pickup ids in driving order, comma-separated."""
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    """When the order last changed."""
    planned_by: Mapped[str] = mapped_column(String(12))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When the worker last re-optimised it (changed or not); None: never."""
    heading_to: Mapped[int | None] = mapped_column(ForeignKey("pickup.id"), nullable=True)
    """The pickup the collector said it set out for (None: none yet). Readers lock it
    like a started stop while it is still open and not reached."""
    heading_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When it set out for `heading_to`."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    @property
    def pickup_ids(self) -> tuple[int, ...]:
        """The planned order."""
        return tuple(int(x) for x in self.stops.split(",") if x)

    def replan(self, pickup_ids: tuple[int, ...], *, by: str, now: datetime) -> None:
        """Store a new order (if it differs) and who made it."""
        if pickup_ids != self.pickup_ids:
            self.stops = ",".join(str(i) for i in pickup_ids)
            self.planned_at = now
            self.planned_by = by

    def set_out(self, pickup_id: int, *, now: datetime) -> None:
        """The collector set out for `pickup_id` (again: nothing changes)."""
        if self.heading_to != pickup_id:
            self.heading_to = pickup_id
            self.heading_since = now


class CityPlanRun(Base):
    """One run of the city plan of a day: when, who started it and what it did. The worker's
    schedule (a day is planned again `city_plan_every_minutes` after its last run, whoever
    started it) and the operator's record."""

    __tablename__ = "city_plan_run"
    __table_args__ = (
        CheckConstraint("started_by IN ('worker', 'operator')", name="started_by_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(8))
    applied: Mapped[bool] = mapped_column(Boolean)
    served: Mapped[int] = mapped_column(Integer)
    assigned: Mapped[int] = mapped_column(Integer)
    moved: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    before_m: Mapped[int] = mapped_column(Integer)
    after_m: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    declined_moves: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Moves the search proposed that did not pay for themselves (routes kept)."""
