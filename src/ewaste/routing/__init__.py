"""Vehicle routing, free of the database: instances, distances, the solver, the checker.

`dispatch` turns collectors and pickups into a `RoutingInstance`, asks `solve` for
routes and stores them; `ewaste route solve` and `bench/routing.py` feed it the
VRPLIB and Solomon benchmark files. Every solution is checked by `check_routes`.
"""

from ewaste.routing.checker import CheckReport, check_plan, check_routes
from ewaste.routing.distances import (
    DETOUR_FACTOR,
    DistanceProvider,
    HaversineDistances,
    travel_seconds,
)
from ewaste.routing.files import InvalidInstanceFile, read_instance
from ewaste.routing.fleet import (
    PROMISED,
    VEHICLES,
    Collector,
    Pickup,
    Plan,
    Route,
    Skill,
    UnservedReason,
    VehicleSpec,
    Visit,
)
from ewaste.routing.greedy import greedy_plan
from ewaste.routing.instance import SCALE, RoutingInstance, dimacs_matrix
from ewaste.routing.planner import PRIZE_KM, plan_day
from ewaste.routing.reoptimise import Reoptimised, reoptimise, tail_collector
from ewaste.routing.solver import Solved, solve

__all__ = [
    "DETOUR_FACTOR",
    "PRIZE_KM",
    "PROMISED",
    "SCALE",
    "VEHICLES",
    "CheckReport",
    "Collector",
    "DistanceProvider",
    "HaversineDistances",
    "InvalidInstanceFile",
    "Pickup",
    "Plan",
    "Reoptimised",
    "Route",
    "RoutingInstance",
    "Skill",
    "Solved",
    "UnservedReason",
    "VehicleSpec",
    "Visit",
    "check_plan",
    "check_routes",
    "dimacs_matrix",
    "greedy_plan",
    "plan_day",
    "read_instance",
    "reoptimise",
    "solve",
    "tail_collector",
    "travel_seconds",
]
