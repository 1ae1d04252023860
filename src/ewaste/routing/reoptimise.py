"""Re-optimising what is left of a live route: the stops not yet started, re-ordered by PyVRP.

Live insertion (insertion.py) puts each new pickup where it costs least *now*; after a
morning of insertions the order is rarely the best one. `reoptimise` takes a collector's
live route, leaves its locked stops (started, and everything before them) where they
are, and asks PyVRP for the best order of the rest: one vehicle that leaves the last
locked stop (or home) when it is free to, visits every remaining stop inside its
window, keeps both capacities for what is left after the locked stops, and reaches its
station before the shift ends. The answer is re-driven by our own checker
(`check_plan`) and kept only when it is feasible and shorter than the current order
(or the current order breaks a window and the new one does not); otherwise the current
order comes back unchanged. The search stops after a fixed number of iterations with a
fixed seed, so the same route gives the same answer; a wall-clock cap bounds the rare
large route.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from ewaste.kernel.geo import GeoPoint
from ewaste.routing.checker import CheckReport, check_plan
from ewaste.routing.distances import DistanceProvider, HaversineDistances, travel_seconds
from ewaste.routing.fleet import Collector, Pickup, Plan, Route, VehicleSpec, Visit
from ewaste.routing.insertion import LiveRoute

ITERATIONS = 1_000
"""Search iterations per route: enough for the 10–40 stops of a collector's day (30
scattered stops reach their best order within 500 iterations, in about 0.1 s)."""


@dataclass(frozen=True, slots=True)
class Reoptimised:
    """The route after re-optimisation: locked stops first, then the rest in the best order
    found (the current order when nothing better and feasible was found)."""

    stops: tuple[Pickup, ...]
    locked: int
    before_m: int
    """Metres from the last locked stop (or home) to the station in the current order."""
    after_m: int
    """The same in the returned order."""
    feasible: bool
    """Whether the returned order keeps every window, both capacities and the shift."""
    improved: bool
    """True when the order changed (for a feasible and shorter, or newly feasible, one)."""
    seconds: float


def reoptimise(
    route: LiveRoute,
    *,
    now_s: int,
    extra: Sequence[Pickup] = (),
    iterations: int = ITERATIONS,
    max_seconds: float = 2.0,
    seed: int = 1,
    distances: DistanceProvider | None = None,
) -> Reoptimised:
    """The best order found for the stops of `route` after its locked ones, plus `extra`
    (assigned stops that had no feasible place, appended to the current order).

    `now_s` is the time of day now: the first movable stop cannot be left for earlier.
    """
    started = time.perf_counter()
    distances = distances or HaversineDistances()
    fixed = route.stops[: route.locked]
    current = (*route.stops[route.locked :], *extra)
    tail = tail_collector(route, now_s=now_s, distances=distances)
    before = check_order(tail, current, distances)
    best, report = current, before
    if len(current) >= 2:
        found = _solve(tail, current, distances, iterations, max_seconds, seed)
        if found is not None and found != current:
            candidate = check_order(tail, found, distances)
            if candidate.feasible and (not before.feasible or candidate.distance < before.distance):
                best, report = found, candidate
    return Reoptimised(
        stops=(*fixed, *best),
        locked=route.locked,
        before_m=before.distance,
        after_m=report.distance,
        feasible=report.feasible,
        improved=best is not current,
        seconds=time.perf_counter() - started,
    )


def tail_collector(route: LiveRoute, *, now_s: int, distances: DistanceProvider) -> Collector:
    """The collector as it will be after its locked stops: there, free from then (not
    before `now_s`), with the room those stops leave, until the end of its shift."""
    c = route.collector
    fixed = route.stops[: route.locked]
    points = [c.home, *(p.at for p in fixed)]
    clock = c.shift[0]
    if fixed:
        metres = distances.matrix(points)
        for i, stop in enumerate(fixed):
            if i == route.after_now:  # on its way there: it cannot have left before now
                clock = max(clock, now_s)
            clock = max(clock + _drive_s(int(metres[i, i + 1]), c), stop.window[0])
            clock += stop.service_s
    origin: GeoPoint = points[-1]
    spec = c.vehicle
    return Collector(
        id=c.id,
        home=origin,
        station=c.station,
        vehicle=VehicleSpec(
            spec.kind,
            max(0, spec.capacity_g - sum(p.grams for p in fixed)),
            max(0, spec.capacity_l - sum(p.litres for p in fixed)),
            spec.speed_kmh,
            spec.cost_fen_per_km,
        ),
        shift=(min(max(clock, now_s), c.shift[1]), c.shift[1]),
        skills=c.skills,
        area=c.area,
    )


def check_order(
    collector: Collector, stops: Sequence[Pickup], distances: DistanceProvider
) -> CheckReport:
    """Re-drive `stops` in this order with our own checker (windows, shift, capacities,
    skills); the distance runs from the collector's start to its station."""
    visits = tuple(Visit(p.id, 0, 0, 0) for p in stops)
    plan = Plan((Route(collector.id, visits, 0, 0),))
    return check_plan([collector], list(stops), plan, distances)


def _solve(
    tail: Collector,
    stops: tuple[Pickup, ...],
    distances: DistanceProvider,
    iterations: int,
    max_seconds: float,
    seed: int,
) -> tuple[Pickup, ...] | None:
    points = [tail.home, tail.station, *(p.at for p in stops)]
    metres = np.asarray(distances.matrix(points), dtype=np.int64)
    durations = travel_seconds(metres, tail.vehicle.speed_kmh)
    data = ProblemData(
        locations=[Location(x=p.lon, y=p.lat) for p in points],
        clients=[
            Client(
                location=2 + i,
                pickup=[p.grams, p.litres],
                service_duration=p.service_s,
                tw_early=p.window[0],
                tw_late=max(p.window[0], p.window[1]),
            )
            for i, p in enumerate(stops)
        ],
        depots=[Depot(location=0), Depot(location=1)],
        vehicle_types=[
            VehicleType(
                num_available=1,
                capacity=[tail.vehicle.capacity_g, tail.vehicle.capacity_l],
                start_depot=0,
                end_depot=1,
                tw_early=tail.shift[0],
                tw_late=tail.shift[1],
            )
        ],
        distance_matrices=[metres],  # type: ignore[list-item]  # pyvrp's stub says ndarray[int]
        duration_matrices=[durations],  # type: ignore[list-item]
    )
    stop = MultipleCriteria([MaxIterations(iterations), MaxRuntime(max_seconds)])
    result = pyvrp_solve(data, stop=stop, seed=seed, collect_stats=False, display=False)
    routes = result.best.routes()
    if not result.best.is_feasible() or len(routes) != 1:
        return None
    order = tuple(stops[int(a.idx)] for a in routes[0].schedule() if a.is_client())
    return order if len(order) == len(stops) else None


def _drive_s(metres: int, collector: Collector) -> int:
    return math.ceil(metres * 3.6 / collector.vehicle.speed_kmh)
