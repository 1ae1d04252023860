"""Solving a routing instance with PyVRP, on every core: independent searches, best kept.

PyVRP's iterated local search is single-threaded. With `workers` > 1 the same
instance is solved in that many processes with different seeds for the same wall
time, and the best feasible solution wins (a portfolio: on the Solomon and
Gehring–Homberger files it narrows the gap to the best-known solution; see
bench/routing.py and docs/adr/0011-routing-with-pyvrp.md).
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, SolveParams, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxRuntime

from ewaste.routing.instance import SCALE, Matrix, RoutingInstance, dimacs_matrix


@dataclass(frozen=True, slots=True)
class Solved:
    """The best solution found: routes of customer numbers (1…n), distance in tenths."""

    routes: tuple[tuple[int, ...], ...]
    distance: int
    feasible: bool
    seconds: float
    seeds: tuple[int, ...]
    best_seed: int

    @property
    def vehicles(self) -> int:
        """How many routes are used."""
        return sum(1 for r in self.routes if r)


def problem_data(instance: RoutingInstance, matrix: Matrix) -> ProblemData:
    """The instance as PyVRP's ProblemData: one depot, one vehicle type, times in tenths."""
    locations = [Location(x=x, y=y) for x, y in instance.coords]
    depot_early, depot_late = (w * SCALE for w in instance.windows[0])
    clients = [
        Client(
            location=node,
            delivery=[instance.demands[node]],
            service_duration=instance.service[node] * SCALE,
            tw_early=instance.windows[node][0] * SCALE,
            tw_late=instance.windows[node][1] * SCALE,
        )
        for node in range(1, len(instance.coords))
    ]
    return ProblemData(
        locations=locations,
        clients=clients,
        depots=[Depot(location=0, tw_early=depot_early, tw_late=depot_late)],
        vehicle_types=[
            VehicleType(
                num_available=instance.vehicles,
                capacity=[instance.capacity],
                tw_early=depot_early,
                tw_late=depot_late,
            )
        ],
        distance_matrices=[matrix],  # type: ignore[list-item]  # pyvrp's stub says ndarray[int]
        duration_matrices=[matrix],  # type: ignore[list-item]
    )


def solve(
    instance: RoutingInstance,
    *,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    matrix: Matrix | None = None,
) -> Solved:
    """The best routes found in `seconds` of wall time on `workers` processes."""
    matrix = dimacs_matrix(instance) if matrix is None else matrix
    seeds = tuple(seed + k for k in range(max(1, workers)))
    started = time.perf_counter()
    if len(seeds) == 1:
        results = [_solve_once(instance, matrix, seconds, seeds[0])]
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(len(seeds), mp_context=context) as pool:
            futures = [pool.submit(_solve_once, instance, matrix, seconds, s) for s in seeds]
            results = [f.result() for f in futures]
    best = min(results, key=lambda r: (not r[2], r[1]))
    routes, distance, feasible, best_seed = best
    return Solved(
        routes=routes,
        distance=distance,
        feasible=feasible,
        seconds=time.perf_counter() - started,
        seeds=seeds,
        best_seed=best_seed,
    )


def _solve_once(
    instance: RoutingInstance, matrix: Matrix, seconds: float, seed: int
) -> tuple[tuple[tuple[int, ...], ...], int, bool, int]:
    data = problem_data(instance, np.asarray(matrix, dtype=np.int64))
    result = pyvrp_solve(
        data,
        stop=MaxRuntime(seconds),
        seed=seed,
        collect_stats=False,
        display=False,
        params=SolveParams(),
    )
    best = result.best
    routes = tuple(
        tuple(int(a.idx) + 1 for a in route.schedule() if a.is_client()) for route in best.routes()
    )
    return routes, int(best.distance()), bool(best.is_feasible()), seed
