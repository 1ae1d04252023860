"""`ewaste route solve`: a benchmark file in, checked routes out (JSON or the .sol layout)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "vrptw"
needs_data = pytest.mark.skipif(
    not DATA.exists(), reason="../shared/data/vrptw is not beside the repo"
)


def route(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [sys.executable, "-m", "ewaste.cli", "route", "solve", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@needs_data
def test_a_solomon_instance_is_solved_to_its_best_known_distance_as_json() -> None:
    done = route(str(DATA / "C101.vrp"), "--seconds", "1", "--workers", "2", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["feasible"]
    assert answer["problems"] == []
    assert answer["distance"] == pytest.approx(827.3, abs=0.05)  # the BKS of C101
    served = sorted(c for r in answer["routes"] for c in r)
    assert served == list(range(1, 101))  # customers 1…n, each once, no depot
    assert answer["vehicles"] == len(answer["routes"])


@needs_data
def test_the_text_output_follows_the_sol_file_layout() -> None:
    done = route(str(DATA / "C101.vrp"), "--seconds", "0.5", "--workers", "1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Route #1: ")
    assert lines[-1].startswith("Cost ")


def test_a_malformed_file_exits_non_zero_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.vrp"
    bad.write_text("NAME : broken\nNODE_COORD_SECTION\n1 0\n")
    done = route(str(bad), "--seconds", "0.5", "--json")
    assert done.returncode == 2
    assert done.stderr.startswith("error[routing.invalid_instance_file]: ")
    assert str(bad) in done.stderr
    assert done.stdout == ""
