"""Our own feasibility checks of routing solutions: they do not trust the solver.

`check_routes` (benchmark instances): every customer exactly once; no route over
capacity; every service starting inside its window (waiting allowed); every vehicle
back at the depot before it closes; no more routes than vehicles. Distance is
recomputed from the matrix. `check_plan` does the same for a city plan.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ewaste.routing.distances import DistanceProvider
from ewaste.routing.fleet import Collector, Pickup, Plan
from ewaste.routing.instance import SCALE, Matrix, RoutingInstance


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What the checker found: the distance (tenths) and every violation, in words."""

    distance: int
    problems: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """True when nothing is violated."""
        return not self.problems


def check_routes(
    instance: RoutingInstance, routes: Sequence[Sequence[int]], matrix: Matrix
) -> CheckReport:
    """Check `routes` (customer node numbers 1…n, depot left out) against `instance`."""
    problems: list[str] = []
    seen: dict[int, int] = {}
    distance = 0
    for number, route in enumerate(routes, start=1):
        load = 0
        time = instance.windows[0][0] * SCALE
        previous = 0
        for node in route:
            if not 1 <= node <= instance.customers:
                problems.append(f"route {number}: {node} is not a customer")
                break
            seen[node] = seen.get(node, 0) + 1
            load += instance.demands[node]
            distance += int(matrix[previous, node])
            early, late = (w * SCALE for w in instance.windows[node])
            time = max(time + int(matrix[previous, node]), early)
            if time > late:
                problems.append(
                    f"route {number}: customer {node} served at {time / SCALE:g}, "
                    f"after its window closes at {late / SCALE:g}"
                )
            time += instance.service[node] * SCALE
            previous = node
        distance += int(matrix[previous, 0])
        back = time + int(matrix[previous, 0])
        if route and back > instance.windows[0][1] * SCALE:
            problems.append(
                f"route {number}: back at the depot at {back / SCALE:g}, after it closes"
            )
        if load > instance.capacity:
            problems.append(f"route {number}: load {load} over capacity {instance.capacity}")
    used = sum(1 for route in routes if route)
    if used > instance.vehicles:
        problems.append(f"{used} routes for {instance.vehicles} vehicles")
    missing = [c for c in range(1, instance.customers + 1) if c not in seen]
    if missing:
        problems.append(f"{len(missing)} customers not served (first: {missing[0]})")
    twice = sorted(c for c, n in seen.items() if n > 1)
    if twice:
        problems.append(f"{len(twice)} customers served more than once (first: {twice[0]})")
    return CheckReport(distance, tuple(problems))


def check_plan(
    collectors: Sequence[Collector],
    pickups: Sequence[Pickup],
    plan: Plan,
    distances: DistanceProvider,
) -> CheckReport:
    """Re-drive every route of a city plan: windows, shift, both capacities, skills, each
    pickup at most once. Distance is recomputed (metres)."""
    by_collector = {c.id: c for c in collectors}
    by_pickup = {p.id: p for p in pickups}
    problems: list[str] = []
    seen: set[int] = set()
    total = 0
    for route in plan.routes:
        c = by_collector[route.collector_id]
        stops = [by_pickup[v.pickup_id] for v in route.visits]
        metres = distances.matrix([c.home, *(p.at for p in stops), c.station])
        clock = c.shift[0]
        grams = litres = 0
        for leg, p in enumerate(stops):
            if p.id in seen:
                problems.append(f"pickup {p.id} is in two routes")
            seen.add(p.id)
            if not p.skills <= c.skills:
                problems.append(
                    f"collector {c.id} lacks {sorted(p.skills - c.skills)} for pickup {p.id}"
                )
            clock = max(clock + _drive_s(int(metres[leg, leg + 1]), c), p.window[0])
            if clock > p.window[1]:
                problems.append(f"pickup {p.id} reached at {clock} s, after {p.window[1]} s")
            clock += p.service_s
            grams, litres = grams + p.grams, litres + p.litres
        total += int(sum(metres[i, i + 1] for i in range(len(stops) + 1)))
        back = clock + _drive_s(int(metres[len(stops), len(stops) + 1]), c)
        if back > c.shift[1]:
            problems.append(f"collector {c.id} back at {back} s, after the shift ends")
        if grams > c.vehicle.capacity_g or litres > c.vehicle.capacity_l:
            problems.append(f"collector {c.id} loaded {grams} g / {litres} l, over capacity")
    both = seen & set(plan.unserved)
    if both:
        problems.append(f"{len(both)} pickups are both routed and unserved")
    missing = set(by_pickup) - seen - set(plan.unserved)
    if missing:
        problems.append(f"{len(missing)} pickups are neither routed nor reported unserved")
    return CheckReport(total, tuple(problems))


def _drive_s(metres: int, collector: Collector) -> int:
    return math.ceil(metres * 3.6 / collector.vehicle.speed_kmh)
