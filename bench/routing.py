"""Routing benchmark (a): every VRPTW instance in shared/data/vrptw against its best-known solution.

    .venv/bin/python bench/routing.py            # Solomon at 10 s, 1000-customer files at 120 s
    .venv/bin/python bench/routing.py --quick    # two Solomon files at 2 s (smoke, < 30 s)

Each instance is solved by `ewaste.routing.solve` with `--workers` parallel searches
(default: both cores), then — unless `--no-baseline` — by one search (PyVRP with its
default settings on one core) for the same wall time, to show what the second core
buys. Every solution is checked by our own checker (`ewaste.routing.check_routes`:
windows, capacity, every customer once); the distance reported is the checker's.
gap = (distance − BKS) / BKS, distances in the DIMACS convention (Euclidean truncated
to one decimal), as the best-known solutions in bks.csv.

Parts (b), the city day against a greedy baseline, and (c), insertion latency with
1,000 live stops, come with the live dispatch work of the routing issue.
Results: bench/results/routing.json (routing-quick.json with --quick).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ewaste import routing

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DATA = HERE.parent.parent / "shared" / "data" / "vrptw"
TARGET_SOLOMON_GAP = 0.5  # % at 10 s
TARGET_LARGE_GAP = 3.0  # % at 120 s


def best_known(data: Path) -> dict[str, tuple[float, int]]:
    """Best-known (distance, vehicles) per instance, from bks.csv."""
    with (data / "bks.csv").open(newline="") as f:
        return {
            r["instance"]: (float(r["distance"]), int(r["vehicles"])) for r in csv.DictReader(f)
        }


def run_one(path: Path, bks: float, *, seconds: float, workers: int, seed: int) -> dict[str, Any]:
    instance = routing.read_instance(path)
    matrix = routing.dimacs_matrix(instance)
    solved = routing.solve(instance, seconds=seconds, workers=workers, seed=seed, matrix=matrix)
    report = routing.check_routes(instance, solved.routes, matrix)
    distance = report.distance / routing.SCALE
    return {
        "distance": distance,
        "vehicles": solved.vehicles,
        "gap_pct": round((distance - bks) / bks * 100, 3),
        "feasible": report.feasible,
        "problems": list(report.problems),
        "seconds": round(solved.seconds, 2),
        "workers": workers,
        "best_seed": solved.best_seed,
    }


def machine() -> dict[str, Any]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            cwd=HERE,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "pyvrp": metadata.version("pyvrp"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seconds-solomon", type=float, default=10.0)
    parser.add_argument("--seconds-large", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-search runs")
    parser.add_argument("--only", nargs="*", help="instance names to run")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    bks = best_known(args.data)
    names = sorted(bks)
    if args.only:
        names = [n for n in names if n in set(args.only)]
    if args.quick:
        names = [n for n in ("C101", "R101") if n in bks]
    output = args.output or RESULTS / ("routing-quick.json" if args.quick else "routing.json")
    started = time.perf_counter()
    facts = machine()
    rows = []
    for name in names:
        large = "_" in name
        seconds = 2.0 if args.quick else (args.seconds_large if large else args.seconds_solomon)
        best, vehicles = bks[name]
        row: dict[str, Any] = {
            "instance": name,
            "customers": 1000 if large else 100,
            "bks": best,
            "bks_vehicles": vehicles,
            "seconds": seconds,
        }
        path = args.data / f"{name}.vrp"
        row["ours"] = run_one(path, best, seconds=seconds, workers=args.workers, seed=args.seed)
        if not args.no_baseline:
            row["one_search"] = run_one(path, best, seconds=seconds, workers=1, seed=args.seed)
        rows.append(row)
        base = row.get("one_search")
        print(
            f"{name:8} {seconds:5.0f} s  ours {row['ours']['distance']:>9.1f} "
            f"({row['ours']['gap_pct']:+.2f} %, {row['ours']['vehicles']} veh, "
            f"{'ok' if row['ours']['feasible'] else 'INFEASIBLE'})"
            + (f"  one search {base['distance']:>9.1f} ({base['gap_pct']:+.2f} %)" if base else "")
            + f"  BKS {best:.1f}",
            flush=True,
        )
    summary = {}
    for key, large, target in (
        ("solomon", False, TARGET_SOLOMON_GAP),
        ("large", True, TARGET_LARGE_GAP),
    ):
        group = [r for r in rows if ("_" in r["instance"]) == large]
        if not group:
            continue
        mean = statistics.mean(r["ours"]["gap_pct"] for r in group)
        entry: dict[str, Any] = {
            "instances": len(group),
            "seconds": group[0]["seconds"],
            "mean_gap_pct": round(mean, 3),
            "target_gap_pct": target,
            "met": mean <= target and all(r["ours"]["feasible"] for r in group),
            "all_feasible": all(r["ours"]["feasible"] for r in group),
        }
        if all("one_search" in r for r in group):
            entry["one_search_mean_gap_pct"] = round(
                statistics.mean(r["one_search"]["gap_pct"] for r in group), 3
            )
        summary[key] = entry
    result = {
        "benchmark": "routing",
        "part": "a: VRPTW instances against best-known solutions",
        "mode": "quick" if args.quick else "default",
        "machine": facts,
        "solver": (
            f"PyVRP {facts['pyvrp']} iterated local search, default parameters; "
            f"{args.workers} independent searches (seeds {args.seed}…) in parallel, best kept"
        ),
        "instances": rows,
        "summary": summary,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print()
    for key, entry in summary.items():
        extra = (
            f" (one search: {entry['one_search_mean_gap_pct']:.2f} %)"
            if "one_search_mean_gap_pct" in entry
            else ""
        )
        print(
            f"{key}: mean gap {entry['mean_gap_pct']:.2f} % at {entry['seconds']:g} s over "
            f"{entry['instances']} instances{extra}; target ≤ {entry['target_gap_pct']} %: "
            f"{'met' if entry['met'] else 'MISSED'}; all feasible: {entry['all_feasible']}"
        )
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
