"""The day's plan for a city: zones solved by PyVRP on every core.

A city day (thousands of pickups, hundreds of collectors) is cut into zones by k-means
on the pickups; collectors are shared out to zones in proportion to their pickups,
those whose way from home to their station passes closest to the zone first.
Each zone is one PyVRP problem: every collector its own vehicle
(start at home, end at the chosen station, shift as time window, two capacities:
grams and litres), pickups optional with a prize (what stays out is reported with
its reason), skills and service areas through routing profiles in which a collector
cannot reach what it may not take. Zones are solved in parallel processes.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Solution, VehicleType
from pyvrp import Route as PyvrpRoute
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxRuntime

from ewaste.kernel.geo import GeoPoint, haversine_m
from ewaste.routing.distances import (
    DETOUR_FACTOR,
    DistanceProvider,
    HaversineDistances,
    Metres,
    travel_seconds,
)
from ewaste.routing.fleet import Collector, Pickup, Plan, Route, UnservedReason, Visit

Objective = Literal["cost", "distance"]
COLLECTORS_PER_ZONE = 25
FORBIDDEN = 10**9
"""Distance of an arc a collector may not take (skills, service area): far costlier than
any prize, so the solver never uses it. Durations stay real: a huge duration would
show up as time warp and throw PyVRP's penalty scaling off."""
PRIZE_KM = 100
"""Serving a pickup is worth this many km of driving at the dearest vehicle's rate: so much
that every pickup a route can take at all is taken. A lower `prize_km` leaves out the
pickups that cost more km to reach than that (they wait for another day); the city
benchmark shows the trade between pickups served and km per pickup."""


def unplannable(collectors: Sequence[Collector], pickups: Sequence[Pickup]) -> dict[int, str]:
    """Pickups no collector could ever take (skills, size), with the reason."""
    out: dict[int, str] = {}
    for p in pickups:
        able = [c for c in collectors if p.skills <= c.skills]
        if not able:
            out[p.id] = UnservedReason.NO_SKILL.value
        elif not any(
            p.grams <= c.vehicle.capacity_g and p.litres <= c.vehicle.capacity_l for c in able
        ):
            out[p.id] = UnservedReason.TOO_BIG.value
    return out


@dataclass(frozen=True, slots=True)
class _Zone:
    collectors: tuple[Collector, ...]
    pickups: tuple[Pickup, ...]
    start: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """Routes to start the search from: (collector id, pickup ids in order)."""


def plan_day(
    collectors: Sequence[Collector],
    pickups: Sequence[Pickup],
    *,
    seconds: float,
    workers: int = 1,
    distances: DistanceProvider | None = None,
    seed: int = 1,
    objective: Objective = "cost",
    prize_km: float = PRIZE_KM,
    start: Mapping[int, Sequence[int]] | None = None,
) -> Plan:
    """The best plan found in about `seconds` of wall time on `workers` processes.

    `start`: routes the search begins from (collector id → pickup ids in order; the
    routes of the day so far); each collector's stops go to its zone, so a zone whose
    start is feasible never comes back worse than it.

    `objective` "cost" weighs each collector's metres by its vehicle's cost per km
    (what collectors pay); "distance" counts every metre the same (fewest km).
    `prize_km`: what serving a pickup is worth, in km (see PRIZE_KM); below the
    default, pickups left out are reported as not worth their km.
    """
    started = time.perf_counter()
    distances = distances or HaversineDistances()
    unserved = unplannable(collectors, pickups)
    todo = [p for p in pickups if p.id not in unserved]
    zones = _with_start(split_into_zones(collectors, todo, seed=seed), start)
    rounds = math.ceil(len(zones) / max(1, workers))
    budget = max(0.5, seconds * 0.9 / max(1, rounds) - 0.5)
    routes: list[Route] = []
    if workers > 1 and len(zones) > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [
                pool.submit(solve_zone, z, distances, budget, seed, objective, prize_km)
                for z in zones
            ]
            results = [f.result() for f in futures]
    else:
        results = [solve_zone(z, distances, budget, seed, objective, prize_km) for z in zones]
    for zone_routes, zone_unserved in results:
        routes.extend(zone_routes)
        unserved.update(zone_unserved)
    reachable = _reachable(collectors, [p for p in todo if p.id in unserved])
    left_out = UnservedReason.NO_ROOM if prize_km >= PRIZE_KM else UnservedReason.TOO_FAR
    for pid in list(unserved):
        if unserved[pid] == UnservedReason.NO_ROOM.value:
            unserved[pid] = (left_out if pid in reachable else UnservedReason.UNREACHABLE).value
    return Plan(tuple(routes), unserved, time.perf_counter() - started)


def _with_start(zones: list[_Zone], start: Mapping[int, Sequence[int]] | None) -> list[_Zone]:
    """The zones with their start routes: each collector's stops move to its zone, so a
    start is whole in one zone (a zone whose start is complete and feasible never comes
    back worse)."""
    if not start:
        return zones
    zone_of = {c.id: k for k, z in enumerate(zones) for c in z.collectors}
    home_of = {pid: zone_of[cid] for cid, pids in start.items() if cid in zone_of for pid in pids}
    pickups: list[list[Pickup]] = [[] for _ in zones]
    for k, z in enumerate(zones):
        for p in z.pickups:
            pickups[home_of.get(p.id, k)].append(p)
    out = []
    for k, z in enumerate(zones):
        here = {p.id for p in pickups[k]}
        routes = tuple(
            (c.id, tuple(pid for pid in start.get(c.id, ()) if pid in here)) for c in z.collectors
        )
        out.append(_Zone(z.collectors, tuple(pickups[k]), tuple(r for r in routes if r[1])))
    return out


def split_into_zones(
    collectors: Sequence[Collector], pickups: Sequence[Pickup], *, seed: int = 1
) -> list[_Zone]:
    """Zones of about COLLECTORS_PER_ZONE collectors, pickups by k-means, collectors by quota."""
    count = max(1, min(round(len(collectors) / COLLECTORS_PER_ZONE), len(pickups)))
    if count == 1 or not pickups:
        return [_Zone(tuple(collectors), tuple(pickups))]
    xy = np.array([(p.at.lat, p.at.lon * math.cos(math.radians(p.at.lat))) for p in pickups])
    rng = np.random.default_rng(seed)
    centres = xy[rng.choice(len(xy), count, replace=False)]
    for _ in range(25):
        label = np.argmin(((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        for k in range(count):
            if (label == k).any():
                centres[k] = xy[label == k].mean(axis=0)
    sizes = np.bincount(label, minlength=count)
    quota = np.maximum(1, np.floor(sizes / len(pickups) * len(collectors))).astype(int)
    while quota.sum() < len(collectors):
        quota[int(np.argmax(sizes / quota))] += 1

    def xy_of(points: Sequence[GeoPoint]) -> np.ndarray:
        return np.array([(g.lat, g.lon * math.cos(math.radians(g.lat))) for g in points])

    homes = xy_of([c.home for c in collectors])
    ends = xy_of([c.station for c in collectors])
    # A collector drives from home to its station: it belongs to the zones on that way
    # (home → zone centre → station shortest), not just near home. Measured on the
    # city day: the first and last legs shrink by a few per cent against nearest-home.
    to_centre = np.sqrt(((homes[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    from_centre = np.sqrt(((ends[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    gaps = to_centre + from_centre
    members: list[list[Collector]] = [[] for _ in range(count)]
    taken: set[int] = set()
    for flat in np.argsort(gaps, axis=None, kind="stable"):
        ci, k = divmod(int(flat), count)
        if len(members[k]) < quota[k] and ci not in taken:
            members[k].append(collectors[ci])
            taken.add(ci)
    return [
        _Zone(
            tuple(members[k]), tuple(p for p, lab in zip(pickups, label, strict=True) if lab == k)
        )
        for k in range(count)
    ]


def solve_zone(
    zone: _Zone,
    distances: DistanceProvider,
    seconds: float,
    seed: int,
    objective: Objective = "cost",
    prize_km: float = PRIZE_KM,
) -> tuple[list[Route], dict[int, str]]:
    """One zone's routes and the pickups it left out (reason: no room)."""
    if not zone.pickups:
        return [], {}
    if not zone.collectors:
        return [], {p.id: UnservedReason.NO_ROOM.value for p in zone.pickups}
    stations = sorted({c.station for c in zone.collectors}, key=lambda g: (g.lat, g.lon))
    points = [c.home for c in zone.collectors] + stations + [p.at for p in zone.pickups]
    base = distances.matrix(points)
    first_client = len(zone.collectors) + len(stations)
    data, profile_of = _problem(zone, stations, base, first_client, objective, prize_km)
    result = pyvrp_solve(
        data,
        stop=MaxRuntime(seconds),
        seed=seed,
        collect_stats=False,
        display=False,
        initial_solution=_initial(zone, data),
    )
    solution = result.best
    routes = []
    served: set[int] = set()
    for route in solution.routes():
        collector = zone.collectors[route.vehicle_type()]
        visits = []
        for act in route.schedule():
            if act.is_client():
                pickup = zone.pickups[int(act.idx)]
                start = int(act.start_time)
                visits.append(
                    Visit(pickup.id, start - int(act.wait_duration), start, int(act.end_time))
                )
                served.add(pickup.id)
        stops = [zone.collectors.index(collector)] + [
            first_client + zone.pickups.index(_by_id(zone, v.pickup_id)) for v in visits
        ]
        stops.append(len(zone.collectors) + stations.index(collector.station))
        metres = int(sum(base[a, b] for a, b in itertools.pairwise(stops)))
        routes.append(Route(collector.id, tuple(visits), metres, int(route.end_time())))
    del profile_of
    left = {p.id: UnservedReason.NO_ROOM.value for p in zone.pickups if p.id not in served}
    return routes, left


def _initial(zone: _Zone, data: ProblemData) -> Solution | None:
    """The zone's start routes as a PyVRP solution (None without any)."""
    if not zone.start:
        return None
    vehicle = {c.id: k for k, c in enumerate(zone.collectors)}
    client = {p.id: i for i, p in enumerate(zone.pickups)}
    routes = [
        PyvrpRoute(data, [client[pid] for pid in stops], vehicle[cid]) for cid, stops in zone.start
    ]
    return Solution(data, routes)


def _by_id(zone: _Zone, pickup_id: int) -> Pickup:
    return next(p for p in zone.pickups if p.id == pickup_id)


def _problem(
    zone: _Zone,
    stations: list[GeoPoint],
    base: Metres,
    first_client: int,
    objective: Objective,
    prize_km: float = PRIZE_KM,
) -> tuple[ProblemData, dict[int, int]]:
    n = len(base)
    keys: list[tuple[float, frozenset[str], tuple[GeoPoint, int] | None]] = []
    profile_of: dict[int, int] = {}
    for c in zone.collectors:
        key = (c.vehicle.speed_kmh, c.skills, c.area)
        if key not in keys:
            keys.append(key)
        profile_of[c.id] = keys.index(key)
    distance_matrices, duration_matrices = [], []
    for speed, skills, area in keys:
        blocked = np.zeros(n, dtype=bool)
        for i, p in enumerate(zone.pickups):
            outside = area is not None and haversine_m(p.at, area[0]) > area[1]
            blocked[first_client + i] = not p.skills <= skills or outside
        dist = base.copy()
        dur = travel_seconds(base, speed)
        dist[:, blocked] = FORBIDDEN
        np.fill_diagonal(dist, 0)
        distance_matrices.append(dist)
        duration_matrices.append(dur)

    def per_km(c: Collector) -> int:
        return c.vehicle.cost_fen_per_km if objective == "cost" else 1

    dearest = max(per_km(c) for c in zone.collectors)
    home_depots = [Depot(location=i) for i in range(len(zone.collectors))]
    station_depots = [Depot(location=len(zone.collectors) + j) for j in range(len(stations))]
    clients = [
        Client(
            location=first_client + i,
            pickup=[p.grams, p.litres],
            service_duration=p.service_s,
            tw_early=p.window[0],
            tw_late=p.window[1],
            prize=0 if p.required else round(prize_km * 1000 * dearest * p.priority),
            required=p.required,
        )
        for i, p in enumerate(zone.pickups)
    ]
    vehicle_types = [
        VehicleType(
            num_available=1,
            capacity=[c.vehicle.capacity_g, c.vehicle.capacity_l],
            start_depot=i,
            end_depot=len(zone.collectors) + stations.index(c.station),
            tw_early=c.shift[0],
            tw_late=c.shift[1],
            unit_distance_cost=per_km(c),
            profile=profile_of[c.id],
            name=str(c.id),
        )
        for i, c in enumerate(zone.collectors)
    ]
    locations = [
        Location(x=p.lon, y=p.lat)
        for p in ([c.home for c in zone.collectors] + stations + [p.at for p in zone.pickups])
    ]
    data = ProblemData(
        locations=locations,
        clients=clients,
        depots=home_depots + station_depots,
        vehicle_types=vehicle_types,
        distance_matrices=distance_matrices,  # type: ignore[arg-type]
        duration_matrices=duration_matrices,  # type: ignore[arg-type]
    )
    return data, profile_of


def _reachable(collectors: Sequence[Collector], pickups: Sequence[Pickup]) -> set[int]:
    """Pickups some able collector could reach from home inside the window and shift."""
    out = set()
    for p in pickups:
        for c in collectors:
            if not p.skills <= c.skills:
                continue
            per_m = DETOUR_FACTOR * 3.6 / c.vehicle.speed_kmh
            go = haversine_m(c.home, p.at) * per_m
            back = haversine_m(p.at, c.station) * per_m
            start = max(c.shift[0] + go, p.window[0])
            if start <= p.window[1] and start + p.service_s + back <= c.shift[1]:
                out.add(p.id)
                break
    return out
