"""A collector's route sheet for a day: the stops in driving order with ETAs, for the map.

The stops are the collector's live route of the day (dispatch/live_routes.py): its
assigned pickups in their stored planned order (live insertion and the worker's
re-optimisation keep it; without a plan, the order cheapest feasible insertion gives
them), within its shift, to its chosen station (or the nearest), from its base — or, on
today's sheet, from where it is now (the door of its latest collection or the station it
last delivered to) and not before now, with what it carries taking room; a stop
that fits nowhere without breaking a window, the volume or a skill is appended and
flagged, so the collector still sees it. ETAs are recomputed on every read by driving
that order at the vehicle's average speed, with each pickup's own time at the door.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import identity, orders, routing
from ewaste.dispatch import live_routes
from ewaste.dispatch.board import Whereabouts, whereabouts
from ewaste.dispatch.models import CollectorProfile
from ewaste.dispatch.repository import CollectorRepository
from ewaste.dispatch.rules import CollectorNotFound
from ewaste.identity import Actor, Permission
from ewaste.kernel.clock import china_day
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
    status: str = "assigned"
    """The pickup's status: "assigned", or "adjustment_proposed" (at the door)."""
    heading: bool = False
    """The collector set out for this stop: no plan moves it."""


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

    @property
    def version(self) -> str:
        """A short fingerprint of what the collector acts on — which stops, in which order,
        at the door, set out for, late — but not the times, which move with the clock: an
        open sheet compares it to tell the collector that its stops changed."""
        seen = ";".join(
            f"{s.pickup_id}:{s.status}:{int(s.heading)}:{int(s.late)}" for s in self.stops
        )
        return hashlib.sha256(seen.encode()).hexdigest()[:16]


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
    session: Session, *, actor: Actor, day: date, locale: str = "en", now: datetime | None = None
) -> list[RouteSummary]:
    """Every active collector's route of `day`, busiest first, named in `locale` (staff
    only); today's (`now` on `day`) as `route_sheet` drives them from where each is now.

    Raises MissingPermission.
    """
    actor.require(Permission.STAFF_PICKUP_READ)
    profiles = CollectorRepository(session).active()
    names = identity.organisation_labels(
        session, [p.organisation_id for p in profiles], locale=locale
    )
    bases = identity.locations_by_role(session, "collector")
    stations = identity.locations_by_role(session, "station")
    now_at = _whereabouts_on(session, stations, day=day, now=now)
    lines = []
    for profile in profiles:
        cid = profile.organisation_id
        if cid not in names or cid not in bases:
            continue
        sheet = _sheet(session, profile, bases[cid], stations, day=day, now=now, now_at=now_at)
        lines.append(
            RouteSummary(
                collector_id=cid,
                name=names[cid][1],
                stops=len(sheet.stops),
                late=sheet.late,
                missing_skills=sum(1 for s in sheet.stops if s.missing_skills),
                distance_m=sheet.distance_m if sheet.stops else 0,
            )
        )
    return sorted(lines, key=lambda r: (-r.stops, r.collector_id))


def route_sheet(
    session: Session, *, actor: Actor, collector_id: int, day: date, now: datetime | None = None
) -> RouteSheet:
    """The sheet of `collector_id` for `day` (China time). Collectors see their own, staff
    any. Today's sheet (`now` on `day`) starts where the collector is now (the door of its
    latest collection, or the station it last delivered to: `board.whereabouts`), with
    what it carries taking room, and no stop starts before `now`; another day's starts at
    its base when its shift begins. Raises CollectorNotFound (also for another collector's
    sheet)."""
    own = actor.can(Permission.COLLECTOR_PICKUP_READ) and actor.organisation_id == collector_id
    if not (own or actor.can(Permission.STAFF_PICKUP_READ)):
        raise CollectorNotFound(collector_id=collector_id)
    profile = CollectorRepository(session).get(collector_id)
    base = identity.organisation_location(session, collector_id)
    if profile is None or base is None:
        raise CollectorNotFound(collector_id=collector_id)
    stations = identity.locations_by_role(session, "station")
    now_at = _whereabouts_on(session, stations, day=day, now=now)
    return _sheet(session, profile, base, stations, day=day, now=now, now_at=now_at)


ARRIVAL_ROUNDING = timedelta(minutes=5)
"""A household is told when its collector is expected to the nearest five minutes: the
estimate is not more precise than that."""


def arrival_estimates(
    session: Session, pickups: Sequence[orders.PickupView], *, now: datetime
) -> dict[int, datetime]:
    """{pickup: about when its collector is expected at the door (when the sheet starts
    the service: a collector early for the window waits for it)} for those of `pickups`
    — which the caller may already read, a household's own — that are assigned for today
    (China time) and that today's route sheet of their collector reaches inside their
    window (a late stop gets no estimate: the operator calls the household). Rounded to
    ARRIVAL_ROUNDING; never before now."""
    today = china_day(now)
    wanted = {
        p.id: p.collector_id
        for p in pickups
        if p.status == orders.PickupStatus.ASSIGNED
        and p.collector_id is not None
        and china_day(p.window_start) == today
    }
    if not wanted:
        return {}
    stations = identity.locations_by_role(session, "station")
    now_at = whereabouts(session, stations, now=now)
    estimates: dict[int, datetime] = {}
    for collector_id in sorted({c for c in wanted.values() if c is not None}):
        profile = CollectorRepository(session).get(collector_id)
        base = identity.organisation_location(session, collector_id)
        if profile is None or base is None:
            continue
        sheet = _sheet(session, profile, base, stations, day=today, now=now, now_at=now_at)
        for stop in sheet.stops:
            if wanted.get(stop.pickup_id) == collector_id and not stop.late:
                estimates[stop.pickup_id] = max(_rounded(stop.start), now)
    return estimates


def _rounded(moment: datetime) -> datetime:
    step = ARRIVAL_ROUNDING.total_seconds()
    seconds = round(moment.timestamp() / step) * step
    return datetime.fromtimestamp(seconds, tz=moment.tzinfo)


def _whereabouts_on(
    session: Session, stations: Mapping[int, GeoPoint], *, day: date, now: datetime | None
) -> dict[int, Whereabouts] | None:
    """Every collector's whereabouts when `day` is today at `now`; None for another day."""
    if now is None or china_day(now) != day:
        return None
    return whereabouts(session, stations, now=now)


def _sheet(
    session: Session,
    profile: CollectorProfile,
    base: GeoPoint,
    stations: Mapping[int, GeoPoint],
    *,
    day: date,
    now: datetime | None,
    now_at: dict[int, Whereabouts] | None,
) -> RouteSheet:
    midnight = live_routes.midnight_of(day)
    w = Whereabouts() if now_at is None else now_at.get(profile.organisation_id, Whereabouts())
    collector = live_routes.collector_model(
        profile, base, stations, carried=w.carried, position=w.position
    )
    # Today's sheet is live from `now`; another day's is the plan from the shift's start.
    moment = now if now is not None and now_at is not None else midnight - timedelta(seconds=1)
    planned, views = live_routes.route_of(session, collector, day=day, now=moment)
    ordered = [*planned.route.stops, *planned.misfits]
    sheet = _drive(
        collector,
        ordered,
        views,
        midnight,
        day,
        profile.vehicle,
        bool(stations),
        started=planned.route.after_now,
        now_s=live_routes.now_seconds(day, moment),
        heading_to=planned.heading_to,
    )
    return replace(sheet, planned_at=planned.planned_at, planned_by=planned.planned_by)


def _drive(
    collector: routing.Collector,
    ordered: list[routing.Pickup],
    views: dict[int, orders.PickupView],
    midnight: datetime,
    day: date,
    vehicle: str,
    has_station: bool,
    *,
    started: int = 0,
    now_s: int = 0,
    heading_to: int | None = None,
) -> RouteSheet:
    """Drive `ordered` from the collector's start: no stop after the first `started` ones
    (at the door) is left for before `now_s`."""
    points = [collector.home, *(p.at for p in ordered), collector.station]
    metres = routing.HaversineDistances().matrix(points)
    per_m = 3.6 / collector.vehicle.speed_kmh
    clock = collector.shift[0]
    stops = []
    for i, pickup in enumerate(ordered):
        if i == started:
            clock = max(clock, now_s)
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
                status=view.status,
                heading=pickup.id == heading_to,
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
