"""Collectors' live routes for a day, built from the database for `ewaste.routing`.

A collector's route of a day is its open pickups whose window falls on that day, in the
order of its route plan (`RoutePlan`: what live insertion and the worker's
re-optimisation left), reconciled with what is true now:

- planned pickups no longer open (collected, cancelled, given to another collector or
  day) drop out;
- started stops (the collector is at the door: a deduction proposed, waiting for the
  household; there is no "on my way" status) and every stop planned before the last of
  them are locked, never moved; a started pickup the plan does not know joins them;
- so is the stop the collector said it set out for (`RoutePlan.heading_to`), right
  after them: it is not left for before now;
- a planned stop that can no longer start inside its window, or no longer fits the
  vehicle or the shift, is taken out of the route and shown last (a misfit);
- an open pickup the plan does not know (assigned by hand or before the plan existed)
  goes where it costs least (cheapest feasible insertion, earliest window first), or
  last when it fits nowhere.

Without a plan the route is built as before plans existed: started stops first, then
each pickup by cheapest feasible insertion, earliest window first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from ewaste import orders, routing
from ewaste.dispatch.models import CollectorProfile, RoutePlan
from ewaste.dispatch.repository import RoutePlanRepository
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.geo import GeoPoint, haversine_m
from ewaste.routing.insertion import LiveRoute, cheapest_insertion

AT_THE_DOOR = frozenset({"adjustment_proposed"})
"""Pickup statuses of a started stop: the collector is at the door."""


@dataclass(frozen=True, slots=True)
class DayRoute:
    """A collector's route of a day: the live route (locked stops first) and the stops
    that fit nowhere, shown last; the plan it follows, if any."""

    route: LiveRoute
    misfits: tuple[routing.Pickup, ...] = ()
    planned_at: datetime | None = None
    planned_by: str | None = None
    heading_to: int | None = None
    """The stop the collector set out for, locked right after the started ones."""

    @property
    def order(self) -> tuple[int, ...]:
        """Pickup ids in driving order, the misfits last: what a plan stores."""
        return tuple(p.id for p in (*self.route.stops, *self.misfits))

    def with_insertion(self, pickup: routing.Pickup, position: int) -> DayRoute:
        """The same route with `pickup` inserted before stop `position`."""
        stops = list(self.route.stops)
        stops.insert(position, pickup)
        route = LiveRoute(self.route.collector, tuple(stops), self.route.locked, self.route.started)
        return DayRoute(route, self.misfits, self.planned_at, self.planned_by, self.heading_to)


@dataclass(frozen=True, slots=True)
class Carried:
    """What a collector has on its vehicle now: it takes room from today's route."""

    grams: int
    litres: int


NOTHING_CARRIED = Carried(0, 0)


def midnight_of(day: date) -> datetime:
    """00:00 China time on `day`."""
    return datetime.combine(day, time(), CHINA_TIME)


def collector_model(
    profile: CollectorProfile,
    base: GeoPoint,
    stations: Mapping[int, GeoPoint],
    *,
    carried: Carried = NOTHING_CARRIED,
    position: GeoPoint | None = None,
) -> routing.Collector:
    """The routing view of a collector: vehicle room left after what it `carried`, shift,
    skills, and its chosen station (or the nearest one; its base when there is none).
    Its route starts at `position` (where it is now) or else at its base."""
    chosen = stations.get(profile.station_id) if profile.station_id is not None else None
    station = chosen or min(stations.values(), key=lambda s: haversine_m(base, s), default=base)
    spec = routing.VEHICLES[profile.vehicle]
    return routing.Collector(
        id=profile.organisation_id,
        home=position or base,
        station=station,
        vehicle=routing.VehicleSpec(
            spec.kind,
            max(0, profile.capacity_grams - carried.grams),
            max(0, profile.capacity_litres - carried.litres),
            spec.speed_kmh,
            spec.cost_fen_per_km,
        ),
        shift=(profile.shift_start_minute * 60, profile.shift_end_minute * 60),
        skills=frozenset(s for s in profile.skills.split("|") if s),
        area=(GeoPoint(profile.area_lat, profile.area_lon), profile.area_radius_m)
        if profile.area_lat is not None
        and profile.area_lon is not None
        and profile.area_radius_m is not None
        else None,
    )


def pickup_model(pickup: orders.PickupView, midnight: datetime) -> routing.Pickup:
    """The routing view of a pickup: its window in seconds after `midnight`."""

    def seconds(moment: datetime) -> int:
        return max(0, min(86_400, int((moment - midnight).total_seconds())))

    return routing.Pickup(
        id=pickup.id,
        at=pickup.location,
        window=(seconds(pickup.window_start), seconds(pickup.window_end)),
        service_s=pickup.service_seconds,
        grams=pickup.estimated_grams,
        litres=pickup.estimated_litres,
        skills=pickup.skills,
    )


def order_stops(
    collector: routing.Collector,
    started: Sequence[routing.Pickup],
    waiting: Iterable[routing.Pickup],
    *,
    now_s: int,
) -> tuple[LiveRoute, list[routing.Pickup]]:
    """The started stops first (locked), then each waiting one where it costs least;
    returns the route and the stops that fit nowhere (in window order)."""
    return insert_each(
        LiveRoute(collector, tuple(started), locked=len(started)), waiting, now_s=now_s
    )


def insert_each(
    route: LiveRoute, waiting: Iterable[routing.Pickup], *, now_s: int
) -> tuple[LiveRoute, list[routing.Pickup]]:
    """Each waiting stop, earliest window first, where it costs least in `route`; returns
    the route and the stops that fit nowhere (in window order)."""
    misfits: list[routing.Pickup] = []
    for pickup in sorted(waiting, key=lambda p: (p.window[0], p.window[1], p.id)):
        found = cheapest_insertion([route], pickup, now_s=now_s)
        if found is None:
            misfits.append(pickup)
            continue
        stops = list(route.stops)
        stops.insert(found.position, pickup)
        route = LiveRoute(route.collector, tuple(stops), route.locked, route.started)
    return route, misfits


def follow_plan(
    collector: routing.Collector,
    fixed: Sequence[routing.Pickup],
    planned: Sequence[routing.Pickup],
    *,
    now_s: int,
    heading: routing.Pickup | None = None,
) -> tuple[LiveRoute, list[routing.Pickup]]:
    """The locked stops, then the one the collector set out for (`heading`: reached from
    now, never left out), then the planned ones in their order, driven from home at the
    start of the shift (nothing after the `fixed` stops left for before `now_s`): a
    planned stop the collector may not take (skills, area), that breaks a capacity or
    cannot start inside its window is left out, and so are the last ones while the
    collector would reach its station after the shift. Returns the route and what was
    left out, in planned order."""
    locked = (*fixed, *([heading] if heading is not None else []))
    points = [collector.home, *(p.at for p in locked), *(p.at for p in planned), collector.station]
    metres = routing.HaversineDistances().matrix(points)
    per_m = 3.6 / collector.vehicle.speed_kmh
    clock, at = collector.shift[0], 0
    grams = litres = 0
    for k, stop in enumerate(locked, start=1):
        if k == len(fixed) + 1:  # on its way there now
            clock = max(clock, now_s)
        clock = max(clock + math.ceil(int(metres[at, k]) * per_m), stop.window[0])
        clock += stop.service_s
        at = k
        grams, litres = grams + stop.grams, litres + stop.litres
    clock = max(clock, now_s)
    kept: list[tuple[int, routing.Pickup, int, int]] = []  # (node, stop, clock before, node before)
    left: list[routing.Pickup] = []
    room_g, room_l = collector.vehicle.capacity_g - grams, collector.vehicle.capacity_l - litres
    for k, stop in enumerate(planned, start=len(locked) + 1):
        start = max(clock + math.ceil(int(metres[at, k]) * per_m), stop.window[0])
        if (
            start > stop.window[1]
            or not stop.skills <= collector.skills
            or not _in_area(collector, stop.at)
            or stop.grams > room_g
            or stop.litres > room_l
        ):
            left.append(stop)
            continue
        kept.append((k, stop, clock, at))
        clock, at = start + stop.service_s, k
        room_g, room_l = room_g - stop.grams, room_l - stop.litres
    station = len(points) - 1
    while kept and clock + math.ceil(int(metres[at, station]) * per_m) > collector.shift[1]:
        _, stop, clock, at = kept.pop()
        left.append(stop)
    order = {p.id: i for i, p in enumerate(planned)}
    left.sort(key=lambda p: order[p.id])
    stops = (*locked, *(stop for _, stop, _, _ in kept))
    return LiveRoute(collector, stops, locked=len(locked), started=len(fixed)), left


def arrange(
    collector: routing.Collector,
    views: Sequence[orders.PickupView],
    plan: RoutePlan | None,
    *,
    day: date,
    now: datetime,
) -> DayRoute:
    """The collector's route of `day` from its open pickups of that day (in window order)
    and its plan, reconciled as the module says."""
    midnight = midnight_of(day)
    now_s = now_seconds(day, now)
    by_id = {v.id: pickup_model(v, midnight) for v in views}
    started = {v.id for v in views if v.status in AT_THE_DOOR}
    if plan is None:
        route, misfits = order_stops(
            collector,
            [by_id[v.id] for v in views if v.id in started],
            [by_id[v.id] for v in views if v.id not in started],
            now_s=now_s,
        )
        return DayRoute(route, tuple(misfits))
    planned = [i for i in dict.fromkeys(plan.pickup_ids) if i in by_id]
    last_started = max((k for k, i in enumerate(planned) if i in started), default=-1)
    fixed = [by_id[i] for i in planned[: last_started + 1]]
    fixed += [by_id[v.id] for v in views if v.id in started and v.id not in planned]
    rest = planned[last_started + 1 :]
    heading = plan.heading_to if plan.heading_to in rest else None
    route, left = follow_plan(
        collector,
        fixed,
        [by_id[i] for i in rest if i != heading],
        now_s=now_s,
        heading=by_id[heading] if heading is not None else None,
    )
    known = set(planned) | started
    route, misfits = insert_each(
        route, [p for i, p in by_id.items() if i not in known], now_s=now_s
    )
    return DayRoute(route, (*left, *misfits), plan.planned_at, plan.planned_by, heading)


def now_seconds(day: date, now: datetime) -> int:
    """Seconds after midnight of `day` that have passed at `now` (0 for a later day)."""
    passed = (now - midnight_of(day)).total_seconds()
    return int(min(max(passed, 0), 86_400))


def route_of(
    session: Session,
    collector: routing.Collector,
    *,
    day: date,
    now: datetime,
) -> tuple[DayRoute, dict[int, orders.PickupView]]:
    """A collector's route of `day` (following its plan, if any) and its pickups."""
    window_from, window_to = day_span(day)
    views = orders.open_pickups_of_collector(
        session, collector_id=collector.id, window_from=window_from, window_to=window_to
    )
    plan = RoutePlanRepository(session).get(collector.id, day)
    return arrange(collector, views, plan, day=day, now=now), {p.id: p for p in views}


def routes_of_day(
    session: Session, collectors: Sequence[routing.Collector], *, day: date, now: datetime
) -> dict[int, DayRoute]:
    """Every collector's route of `day`, from one query for all their pickups and one for
    their plans."""
    window_from, window_to = day_span(day)
    by_collector = orders.open_pickups_by_collector(
        session, window_from=window_from, window_to=window_to
    )
    plans = RoutePlanRepository(session).of_day(day)
    return {
        c.id: arrange(c, by_collector.get(c.id, []), plans.get(c.id), day=day, now=now)
        for c in collectors
    }


def store_plan(
    session: Session,
    *,
    collector_id: int,
    day: date,
    order: Sequence[int],
    by: str,
    now: datetime,
    reviewed: bool = False,
) -> RoutePlan:
    """Keep `order` as the collector's plan of `day` (the caller holds the collector's
    profile lock); `reviewed`: the worker has just re-optimised it. Returns the plan."""
    repo = RoutePlanRepository(session)
    plan = repo.get(collector_id, day)
    if plan is None:
        plan = RoutePlan(
            collector_id=collector_id,
            day=day,
            stops=",".join(str(i) for i in order),
            planned_at=now,
            planned_by=by,
            reviewed_at=now if reviewed else None,
        )
        repo.add(plan)
        return plan
    plan.replan(tuple(order), by=by, now=now)
    if reviewed:
        plan.reviewed_at = now
    session.flush()
    return plan


def _in_area(collector: routing.Collector, at: GeoPoint) -> bool:
    return collector.area is None or haversine_m(at, collector.area[0]) <= collector.area[1]


def day_span(day: date) -> tuple[datetime, datetime]:
    """The UTC bounds of `day` (China time): [midnight, next midnight)."""
    midnight = midnight_of(day)
    return midnight.astimezone(UTC), (midnight + timedelta(days=1)).astimezone(UTC)
