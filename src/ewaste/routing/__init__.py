"""Vehicle routing, free of the database: instances, distances, the solver, the checker.

`dispatch` turns collectors and pickups into a `RoutingInstance`, asks `solve` for
routes and stores them; `ewaste route solve` and `bench/routing.py` feed it the
VRPLIB and Solomon benchmark files. Every solution is checked by `check_routes`.
"""

from ewaste.routing.checker import CheckReport, check_routes
from ewaste.routing.files import InvalidInstanceFile, read_instance
from ewaste.routing.instance import SCALE, RoutingInstance, dimacs_matrix
from ewaste.routing.solver import Solved, solve

__all__ = [
    "SCALE",
    "CheckReport",
    "InvalidInstanceFile",
    "RoutingInstance",
    "Solved",
    "check_routes",
    "dimacs_matrix",
    "read_instance",
    "solve",
]
