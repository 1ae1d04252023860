"""Our own feasibility check of a routing solution: it does not trust the solver.

Every customer exactly once; no route over capacity; every service starting inside
its window (waiting allowed); every vehicle back at the depot before it closes; no
more routes than vehicles. Distance is recomputed from the matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
