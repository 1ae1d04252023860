"""A collector's route sheet for a day: the stops in driving order with ETAs, for the map.

The stops are the collector's live route of the day (dispatch/live_routes.py): its
assigned pickups in their stored planned order (live insertion and the worker's
re-optimisation keep it; without a plan, the order cheapest feasible insertion gives
them), within its shift, from its base to its chosen station (or the nearest); a stop
that fits nowhere without breaking a window, the volume or a skill is appended and
flagged, so the collector still sees it. ETAs are recomputed on every read by driving
that order at the vehicle's average speed, with each pickup's own time at the door.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import identity, orders, routing
from ewaste.dispatch import live_routes
from ewaste.dispatch.repository import CollectorRepository
from ewaste.dispatch.rules import CollectorNotFound
from ewaste.identity import Actor, Permission
from ewaste.kernel.geo import GeoPoint


@dataclass(frozen=True, slots=True)
class SheetStop:
    """One stop of the sheet, in driving order."""

    sequence: int
    pickup_id: int
    address: str
    location: GeoPoint
    window_start: datetime
    window_end: datetime
    arrive: datetime
    start: datetime
    leg_m: int
    late: bool
    estimated_grams: int
    missing_skills: frozenset[str] = frozenset()
    """Skills the pickup needs that the collector does not have (staff should reassign)."""


@dataclass(frozen=True, slots=True)
class RouteSheet:
    """A collector's day: base, stops in order, station, kilometres and return time."""

    collector_id: int
    day: date
    vehicle: str
    base: GeoPoint
    station: GeoPoint | None
    stops: tuple[SheetStop, ...]
    distance_m: int
    back: datetime
    planned_at: datetime | None = None
    """When the stored order last changed (None: no plan yet, the order is built on read)."""
    planned_by: str | None = None
    """"insertion", "reoptimised" (the worker's re-optimisation) or "city_plan"."""

    @property
    def late(self) -> int:
        """How many stops cannot be reached inside their window."""
        return sum(1 for s in self.stops if s.late)


@dataclass(frozen=True, slots=True)
class RouteSummary:
    """One line of the operator's day: a collector's route in figures."""

    collector_id: int
    name: str
    stops: int
    late: int
    missing_skills: int
    distance_m: int


def route_summaries(
    session: Session, *, actor: Actor, day: date, locale: str = "en"
) -> list[RouteSummary]:
    """Every active collector's route of `day`, busiest first, named in `locale` (staff only).

    Raises MissingPermission.
    """
    actor.require(Permission.STAFF_PICKUP_READ)
    profiles = CollectorRepository(session).active()
    names = identity.organisation_labels(
        session, [p.organisation_id for p in profiles], locale=locale
    )
    lines = []
    for profile in profiles:
        if profile.organisation_id not in names:
            continue
        sheet = route_sheet(session, actor=actor, collector_id=profile.organisation_id, day=day)
        lines.append(
            RouteSummary(
                collector_id=profile.organisation_id,
                name=names[profile.organisation_id][1],
                stops=len(sheet.stops),
                late=sheet.late,
                missing_skills=sum(1 for s in sheet.stops if s.missing_skills),
                distance_m=sheet.distance_m if sheet.stops else 0,
            )
        )
    return sorted(lines, key=lambda r: (-r.stops, r.collector_id))


def route_sheet(session: Session, *, actor: Actor, collector_id: int, day: date) -> RouteSheet:
    """The sheet of `collector_id` for `day` (China time). Collectors see their own, staff
    any. Raises CollectorNotFound (also for another collector's sheet)."""
    own = actor.can(Permission.COLLECTOR_PICKUP_READ) and actor.organisation_id == collector_id
    if not (own or actor.can(Permission.STAFF_PICKUP_READ)):
        raise CollectorNotFound(collector_id=collector_id)
    profile = CollectorRepository(session).get(collector_id)
    base = identity.organisation_location(session, collector_id)
    if profile is None or base is None:
        raise CollectorNotFound(collector_id=collector_id)
    stations = identity.locations_by_role(session, "station")
    collector = live_routes.collector_model(profile, base, stations)
    midnight = live_routes.midnight_of(day)
    planned, views = live_routes.route_of(
        session, collector, day=day, now=midnight - timedelta(seconds=1)
    )
    ordered = [*planned.route.stops, *planned.misfits]
    sheet = _drive(collector, ordered, views, midnight, day, profile.vehicle, bool(stations))
    return replace(sheet, planned_at=planned.planned_at, planned_by=planned.planned_by)


def _drive(
    collector: routing.Collector,
    ordered: list[routing.Pickup],
    views: dict[int, orders.PickupView],
    midnight: datetime,
    day: date,
    vehicle: str,
    has_station: bool,
) -> RouteSheet:
    points = [collector.home, *(p.at for p in ordered), collector.station]
    metres = routing.HaversineDistances().matrix(points)
    per_m = 3.6 / collector.vehicle.speed_kmh
    clock = collector.shift[0]
    stops = []
    for i, pickup in enumerate(ordered):
        leg = int(metres[i, i + 1])
        arrive = clock + math.ceil(leg * per_m)
        start = max(arrive, pickup.window[0])
        view = views[pickup.id]
        stops.append(
            SheetStop(
                sequence=i + 1,
                pickup_id=pickup.id,
                address=view.address,
                location=pickup.at,
                window_start=view.window_start,
                window_end=view.window_end,
                arrive=midnight + timedelta(seconds=arrive),
                start=midnight + timedelta(seconds=start),
                leg_m=leg,
                late=start > pickup.window[1],
                estimated_grams=pickup.grams,
                missing_skills=pickup.skills - collector.skills,
            )
        )
        clock = start + pickup.service_s
    last = int(metres[len(ordered), len(ordered) + 1])
    total = sum(int(metres[i, i + 1]) for i in range(len(ordered) + 1))
    return RouteSheet(
        collector_id=collector.id,
        day=day,
        vehicle=vehicle,
        base=collector.home,
        station=collector.station if has_station else None,
        stops=tuple(stops),
        distance_m=total,
        back=midnight + timedelta(seconds=clock + math.ceil(last * per_m)),
    )
