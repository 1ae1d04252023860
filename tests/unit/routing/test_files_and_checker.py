"""Reading VRPTW files (VRPLIB and Solomon) and checking routes: no solver involved."""

from __future__ import annotations

from pathlib import Path

import pytest
import vrplib  # type: ignore[import-untyped]

from ewaste import routing
from ewaste.routing import InvalidInstanceFile, RoutingInstance, check_routes, dimacs_matrix

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "vrptw"
needs_data = pytest.mark.skipif(
    not DATA.exists(), reason="../shared/data/vrptw is not beside the repo"
)

SOLOMON = """TINY

VEHICLE
NUMBER     CAPACITY
  2          10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME
    0      0          0          0          0        100          0
    1      3          4          4          0         20          1
    2      6          8          4          0         40          1
    3      0          5          5         10         30          2
"""


def tiny(tmp_path: Path) -> RoutingInstance:
    path = tmp_path / "tiny.txt"
    path.write_text(SOLOMON)
    return routing.read_instance(path)


def test_a_solomon_file_reads_with_its_depot_first(tmp_path: Path) -> None:
    instance = tiny(tmp_path)
    assert instance.customers == 3
    assert instance.capacity == 10
    assert instance.vehicles == 2
    assert instance.demands == (0, 4, 4, 5)
    assert instance.windows[3] == (10, 30)
    assert instance.service == (0, 1, 1, 2)


def test_distances_are_euclidean_truncated_to_a_tenth(tmp_path: Path) -> None:
    matrix = dimacs_matrix(tiny(tmp_path))
    assert matrix[0, 1] == 50  # 5.0 exactly
    assert matrix[1, 3] == 31  # sqrt(10) = 3.162… → 3.1
    assert (matrix == matrix.T).all()
    assert (matrix.diagonal() == 0).all()


def test_the_checker_accepts_a_feasible_plan_and_measures_it(tmp_path: Path) -> None:
    instance = tiny(tmp_path)
    report = check_routes(instance, [[1, 2], [3]], dimacs_matrix(instance))
    assert report.feasible, report.problems
    assert report.distance == 50 + 50 + 100 + 50 + 50


@pytest.mark.parametrize(
    ("routes", "problem"),
    [
        ([[1, 2, 3]], "over capacity"),
        ([[1, 2]], "1 customers not served (first: 3)"),
        ([[1, 2], [3, 1]], "served more than once"),
        ([[1], [2], [3]], "3 routes for 2 vehicles"),
        ([[2, 3, 1]], "customer 1 served at"),
        ([[1, 2], [7]], "7 is not a customer"),
    ],
)
def test_the_checker_names_every_violation(
    tmp_path: Path, routes: list[list[int]], problem: str
) -> None:
    instance = tiny(tmp_path)
    report = check_routes(instance, routes, dimacs_matrix(instance))
    assert not report.feasible
    assert any(problem in p for p in report.problems), report.problems


def test_a_route_back_after_the_depot_closes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_text(SOLOMON.replace("0        100          0", "0         12          0"))
    instance = routing.read_instance(path)
    report = check_routes(instance, [[1], [3]], dimacs_matrix(instance))
    assert any("after it closes" in p for p in report.problems), report.problems


@needs_data
@pytest.mark.parametrize("name", ["C101", "R205", "RC105", "C1_10_1"])
def test_every_best_known_solution_passes_the_checker_at_its_cost(name: str) -> None:
    instance = routing.read_instance(DATA / f"{name}.vrp")
    known = vrplib.read_solution(DATA / f"{name}.sol")
    report = check_routes(instance, known["routes"], dimacs_matrix(instance))
    assert report.feasible, report.problems
    assert report.distance / routing.SCALE == pytest.approx(known["cost"], abs=0.05)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no NODE_COORD data"),
        (
            "NAME : X\nCAPACITY : 5\nNODE_COORD_SECTION\n1 0 0\n2 a b\nDEMAND_SECTION\n1 0\n"
            "2 1\nTIME_WINDOW_SECTION\n1 0 9\n2 0 9\nEOF\n",
            "not a number",
        ),
        (
            "NAME : X\nTYPE : CVRPTW\nDIMENSION : 2\nCAPACITY : 10\n"
            "NODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n",
            "no DEMAND",
        ),
        (SOLOMON.replace("  2          10", "  2          3"), "needs more than a vehicle"),
        (
            SOLOMON.replace("5         10         30", "5         30         10"),
            "closes before it opens",
        ),
        (
            SOLOMON.replace(
                "    1      3          4          4", "    1      3          4         -4"
            ),
            "cannot be negative",
        ),
        (SOLOMON.replace("  2          10", "  0          10"), "at least one vehicle"),
    ],
)
def test_a_malformed_file_is_refused_with_its_problem_named(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "bad.vrp"
    path.write_text(text)
    with pytest.raises(InvalidInstanceFile) as refused:
        routing.read_instance(path)
    assert refused.value.code == "routing.invalid_instance_file"
    assert problem in refused.value.detail
    assert str(path) in refused.value.detail


def test_a_missing_or_binary_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInstanceFile, match="cannot be read"):
        routing.read_instance(tmp_path / "absent.vrp")
    binary = tmp_path / "x.vrp"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(InvalidInstanceFile, match="cannot be read"):
        routing.read_instance(binary)
