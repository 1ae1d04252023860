"""Read models of pickups for pages, API lists and other domains."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ewaste.identity import Actor, Permission
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from ewaste.orders.models import Pickup


@dataclass(frozen=True, slots=True)
class PickupView:
    """A pickup as its household, its collector and staff see it."""

    id: int
    household_id: int
    quote_id: int
    status: str
    address: str
    location: GeoPoint
    window_start: datetime
    window_end: datetime
    contact_name: str
    contact_phone: str
    estimated_grams: int
    estimated_litres: int
    service_seconds: int
    skills: frozenset[str]
    quoted: Money
    deductions: Money
    paid: Money | None
    collector_id: int | None
    created_at: datetime
    collected_at: datetime | None


def pickup_view(pickup: Pickup) -> PickupView:
    """The read model of one pickup."""
    return PickupView(
        id=pickup.id,
        household_id=pickup.household_id,
        quote_id=pickup.quote_id,
        status=pickup.status,
        address=pickup.address,
        location=GeoPoint(pickup.lat, pickup.lon),
        window_start=pickup.window_start,
        window_end=pickup.window_end,
        contact_name=pickup.contact_name,
        contact_phone=pickup.contact_phone,
        estimated_grams=pickup.estimated_grams,
        estimated_litres=pickup.estimated_litres,
        service_seconds=pickup.service_seconds,
        skills=frozenset(s for s in pickup.skills.split("|") if s),
        quoted=Money(pickup.quoted_fen),
        deductions=Money(pickup.deductions_fen or 0),
        paid=Money(pickup.paid_fen) if pickup.paid_fen is not None else None,
        collector_id=pickup.collector_id,
        created_at=pickup.created_at,
        collected_at=pickup.collected_at,
    )


def readable_by(actor: Actor) -> Select[Pickup]:
    """The pickups an actor may list: own household's, assigned to own collector, or all (staff)."""
    stmt = select(Pickup)
    if actor.can(Permission.STAFF_PICKUP_READ):
        return stmt
    if actor.can(Permission.HOUSEHOLD_PICKUP_READ):
        return stmt.where(Pickup.household_id == actor.organisation_id)
    if actor.can(Permission.COLLECTOR_PICKUP_READ):
        return stmt.where(Pickup.collector_id == actor.organisation_id)
    return stmt.where(Pickup.id.is_(None))


def pickups_for(
    session: Session, *, actor: Actor, status: str | None = None, limit: int = 200
) -> Sequence[PickupView]:
    """The pickups the actor may see, newest window first."""
    stmt = readable_by(actor).order_by(Pickup.window_start.desc(), Pickup.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(Pickup.status == status)
    return [pickup_view(p) for p in session.scalars(stmt)]


def pickup_by_id(session: Session, pickup_id: int) -> PickupView | None:
    """A pickup by id for other domains that have already checked access to what holds it
    (e.g. an offer addressed to the caller)."""
    pickup = session.get(Pickup, pickup_id)
    return pickup_view(pickup) if pickup is not None else None


def open_pickups_of_collector(
    session: Session, *, collector_id: int, window_from: datetime, window_to: datetime
) -> Sequence[PickupView]:
    """A collector's pickups still to collect whose window overlaps [from, to), by window."""
    stmt = _open_in(window_from, window_to).where(Pickup.collector_id == collector_id)
    return [pickup_view(p) for p in session.scalars(stmt)]


def open_pickups_by_collector(
    session: Session, *, window_from: datetime, window_to: datetime
) -> dict[int, list[PickupView]]:
    """Every collector's pickups still to collect whose window overlaps [from, to), in one
    statement, by collector and window."""
    grouped: dict[int, list[PickupView]] = {}
    for pickup in session.scalars(_open_in(window_from, window_to)):
        if pickup.collector_id is not None:
            grouped.setdefault(pickup.collector_id, []).append(pickup_view(pickup))
    return grouped


def requested_pickups(
    session: Session, *, window_from: datetime, window_to: datetime, now: datetime
) -> list[PickupView]:
    """Pickups waiting for a collector whose window overlaps [from, to) and has not
    closed by `now`, by window (for reading: no lock)."""
    stmt = (
        select(Pickup)
        .where(
            Pickup.status == "requested",
            Pickup.window_end > max(window_from, now),
            Pickup.window_start < window_to,
        )
        .order_by(Pickup.window_start, Pickup.id)
    )
    return [pickup_view(p) for p in session.scalars(stmt)]


def _open_in(window_from: datetime, window_to: datetime) -> Select[Pickup]:
    return (
        select(Pickup)
        .where(
            Pickup.status.in_(("assigned", "adjustment_proposed")),
            Pickup.window_end > window_from,
            Pickup.window_start < window_to,
        )
        .order_by(Pickup.window_start, Pickup.id)
    )


def pickup_counts_by_status(session: Session) -> dict[str, int]:
    """{status: count} over every pickup."""
    stmt = select(Pickup.status, func.count(Pickup.id)).group_by(Pickup.status)
    return {status: int(n) for status, n in session.execute(stmt)}
