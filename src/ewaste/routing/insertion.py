"""Live insertion: a new pickup goes into the route where it costs the fewest extra metres.

Only stops not yet started may move: each live route says how many of its first stops
are locked (started or done). A position is feasible when the pickup lies in the
collector's service area (if it has one), the collector has the skills,
both capacities hold for the day's load, the pickup's window is met, and every later
stop still starts inside its window and the collector reaches the station before the
shift ends. Later stops are checked in O(1) each with the classic push-forward slack
(Savelsbergh 1992): how much later a stop may start without breaking anything after it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ewaste.kernel.geo import GeoPoint, haversine_m
from ewaste.routing.distances import DETOUR_FACTOR, great_circle_m, radians_of
from ewaste.routing.fleet import Collector, Pickup, Plan, Route, Visit


@dataclass(frozen=True, slots=True)
class LiveRoute:
    """A collector's current route. Its first `locked` stops never move: the `started`
    ones (the collector is at the door; None: every locked one) and then those it is on
    its way to, which it cannot reach before now."""

    collector: Collector
    stops: tuple[Pickup, ...]
    locked: int = 0
    started: int | None = None

    @property
    def after_now(self) -> int:
        """The first stop the collector cannot have left for before now."""
        return self.locked if self.started is None else self.started


@dataclass(frozen=True, slots=True)
class Insertion:
    """Where a pickup goes: the collector, the position in its stops, the cost and time."""

    collector_id: int
    position: int
    added_m: int
    start_s: int


def cheapest_insertion(
    routes: Sequence[LiveRoute],
    pickup: Pickup,
    *,
    now_s: int,
    detour: float = DETOUR_FACTOR,
) -> Insertion | None:
    """The cheapest feasible place for `pickup` among `routes`, or None if there is none."""
    best: Insertion | None = None
    for route in routes:
        found = _best_in_route(route, pickup, now_s=now_s, detour=detour)
        if found is not None and (best is None or found.added_m < best.added_m):
            best = found
    return best


def insertions(
    routes: Sequence[LiveRoute],
    pickup: Pickup,
    *,
    now_s: int,
    detour: float = DETOUR_FACTOR,
) -> list[Insertion]:
    """The cheapest feasible place in each route that can take `pickup`, cheapest first
    (ties: lower collector id)."""
    found = [_best_in_route(r, pickup, now_s=now_s, detour=detour) for r in routes]
    return sorted((f for f in found if f is not None), key=lambda f: (f.added_m, f.collector_id))


def _best_in_route(
    route: LiveRoute, pickup: Pickup, *, now_s: int, detour: float
) -> Insertion | None:
    c = route.collector
    if not pickup.skills <= c.skills:
        return None
    if c.area is not None and haversine_m(pickup.at, c.area[0]) > c.area[1]:
        return None
    if sum(p.grams for p in route.stops) + pickup.grams > c.vehicle.capacity_g:
        return None
    if sum(p.litres for p in route.stops) + pickup.litres > c.vehicle.capacity_l:
        return None
    points = [c.home, *(p.at for p in route.stops), c.station]
    legs = _metres_along(points, detour)  # legs[i]: points[i] → points[i + 1]
    to_new = _metres_to(points, pickup.at, detour)
    per_m = 3.6 / c.vehicle.speed_kmh
    n = len(route.stops)
    arrive, start, leave = _schedule(route, legs, now_s=now_s)
    back = leave[n] + math.ceil(legs[n] * per_m)
    # Backward slack: how much later stop i may start, everything after it still fine.
    slack = [0] * (n + 1)
    slack[n] = c.shift[1] - back  # "stop n" is the station
    for i in range(n - 1, -1, -1):
        wait_after = (start[i + 1] - arrive[i + 1]) if i + 1 < n else 0
        slack[i] = min(route.stops[i].window[1] - start[i], wait_after + slack[i + 1])
    best: Insertion | None = None
    for j in range(route.locked, n + 1):  # insert before stop j (n: before the station)
        reach = leave[j] + math.ceil(to_new[j] * per_m)
        begin = max(reach, pickup.window[0])
        if begin > pickup.window[1]:
            continue
        done = begin + pickup.service_s
        nxt = math.ceil(to_new[j + 1] * per_m)
        if j < n:
            new_start = max(done + nxt, route.stops[j].window[0])
            if new_start - start[j] > slack[j]:
                continue
        elif done + nxt > c.shift[1]:
            continue
        added = int(to_new[j] + to_new[j + 1] - legs[j])
        if best is None or added < best.added_m:
            best = Insertion(c.id, j, added, begin)
    return best


def _schedule(
    route: LiveRoute, legs: Sequence[int], *, now_s: int
) -> tuple[list[int], list[int], list[int]]:
    """The forward schedule of `route` over `legs` (legs[i]: into stop i, legs[n]: to the
    station): each stop's arrival and start, and each node's departure (leave[0] from the
    start, leave[i + 1] after stop i). The first stop not started is not left for before
    `now_s`."""
    c = route.collector
    per_m = 3.6 / c.vehicle.speed_kmh
    n = len(route.stops)
    arrive = [0] * n
    start = [0] * n
    leave = [0] * (n + 1)
    leave[0] = c.shift[0]
    for i, stop in enumerate(route.stops):
        if i == route.after_now:
            leave[i] = max(leave[i], now_s)
        arrive[i] = leave[i] + math.ceil(legs[i] * per_m)
        start[i] = max(arrive[i], stop.window[0])
        leave[i + 1] = start[i] + stop.service_s
    if route.after_now == n:
        leave[n] = max(leave[n], now_s)
    return arrive, start, leave


def _metres_along(points: Sequence[GeoPoint], detour: float) -> list[int]:
    lat, lon = radians_of(points)
    legs = np.rint(great_circle_m(lat[:-1], lon[:-1], lat[1:], lon[1:]) * detour)
    return [int(x) for x in legs]


def _metres_to(points: Sequence[GeoPoint], target: GeoPoint, detour: float) -> list[int]:
    lat, lon = radians_of(points)
    tlat, tlon = math.radians(target.lat), math.radians(target.lon)
    metres = np.rint(great_circle_m(lat, lon, tlat, tlon) * detour)
    return [int(x) for x in metres]


def insert_into_plan(
    plan: Plan,
    collectors: Sequence[Collector],
    pickups: Sequence[Pickup],
    ids: Collection[int],
    *,
    now_s: int,
) -> Plan:
    """`plan` (made for `collectors` and `pickups`) with each pickup of `ids` it left out
    put where it costs least among its routes and the collectors it left idle, earliest
    window first; those that fit nowhere stay unserved. The routes touched are driven
    again for their times."""
    by_id = {p.id: p for p in pickups}
    stops_of = _stops_of(plan, collectors, by_id)
    unserved = dict(plan.unserved)
    todo = sorted((by_id[i] for i in ids if i in unserved), key=lambda p: (*p.window, p.id))
    changed: set[int] = set()
    for pickup in todo:
        routes = [LiveRoute(c, tuple(stops_of[c.id])) for c in collectors]
        found = cheapest_insertion(routes, pickup, now_s=now_s)
        if found is None:
            continue
        stops_of[found.collector_id].insert(found.position, pickup)
        changed.add(found.collector_id)
        del unserved[pickup.id]
    return _with_routes(plan, collectors, stops_of, changed, unserved)


def _stops_of(
    plan: Plan, collectors: Sequence[Collector], by_id: Mapping[int, Pickup]
) -> dict[int, list[Pickup]]:
    """{collector: its planned stops} for every collector (empty when it has no route)."""
    stops_of: dict[int, list[Pickup]] = {c.id: [] for c in collectors}
    for r in plan.routes:
        stops_of[r.collector_id] = [by_id[v.pickup_id] for v in r.visits]
    return stops_of


def _with_routes(
    plan: Plan,
    collectors: Sequence[Collector],
    stops_of: Mapping[int, Sequence[Pickup]],
    changed: Collection[int],
    unserved: dict[int, str],
) -> Plan:
    """`plan` with the routes of the `changed` collectors driven again from `stops_of`."""
    by_collector = {c.id: c for c in collectors}
    kept = [r for r in plan.routes if r.collector_id not in changed]
    redriven = [
        drive_route(by_collector[cid], stops_of[cid]) for cid in sorted(changed) if stops_of[cid]
    ]
    return Plan((*kept, *redriven), unserved, plan.seconds)


def drive_route(collector: Collector, stops: Sequence[Pickup]) -> Route:
    """The route driving `stops` in order from the start of the shift, with its times."""
    legs = _metres_along([collector.home, *(p.at for p in stops), collector.station], DETOUR_FACTOR)
    per_m = 3.6 / collector.vehicle.speed_kmh
    clock = collector.shift[0]
    visits = []
    for leg, stop in zip(legs, stops, strict=False):
        arrive = clock + math.ceil(leg * per_m)
        start = max(arrive, stop.window[0])
        clock = start + stop.service_s
        visits.append(Visit(stop.id, arrive, start, clock))
    return Route(collector.id, tuple(visits), sum(legs), clock + math.ceil(legs[-1] * per_m))


def keep_with_owners(
    plan: Plan,
    collectors: Sequence[Collector],
    pickups: Sequence[Pickup],
    owners: Mapping[int, int],
    *,
    now_s: int,
    threshold_m: int,
) -> Plan:
    """`plan` with each stop it moved away from its owner (`owners`: pickup → collector
    that has it now) put back into the owner's planned route where it costs least, when
    that is feasible and costs less than `threshold_m` more than leaving it where the plan
    put it. Plans made again and again then do not shuffle stops between collectors for a
    few metres. Visit times of the routes touched are recomputed."""
    by_collector = {c.id: c for c in collectors}
    stops_of = _stops_of(plan, collectors, {p.id: p for p in pickups})
    changed: set[int] = set()
    for holder in sorted(stops_of):
        for pickup in list(stops_of[holder]):
            owner = owners.get(pickup.id)
            if owner is None or owner == holder or owner not in by_collector:
                continue
            route = stops_of[holder]
            k = route.index(pickup)
            saved = removal_gain(by_collector[holder], route, k)
            home = LiveRoute(by_collector[owner], tuple(stops_of[owner]))
            back = cheapest_insertion([home], pickup, now_s=now_s)
            if back is None or back.added_m - saved >= threshold_m:
                continue
            route.pop(k)
            stops_of[owner].insert(back.position, pickup)
            changed |= {holder, owner}
    return _with_routes(plan, collectors, stops_of, changed, dict(plan.unserved))


def removal_gain(collector: Collector, stops: Sequence[Pickup], k: int) -> int:
    """Metres saved by taking stop `k` out of the route home → stops → station."""
    points = [collector.home, *(p.at for p in stops), collector.station]
    before, here, after = points[k], points[k + 1], points[k + 2]
    legs = _metres_along([before, here, after], DETOUR_FACTOR)
    direct = _metres_along([before, after], DETOUR_FACTOR)
    return legs[0] + legs[1] - direct[0]
