"""How much the city plan reshuffles a working day: the demo's Shenzhen day with the
worker's own city plan switched on (every EWASTE_CITY_PLAN_EVERY_MINUTES of demo time,
as in production) beside the operator's plan after the first round.

Each run of the city plan is a `city_plan_run` row; this prints them in order — stops
planned, moved to another collector, given out, skipped, km before and after — so the
churn of repeated plans is measured, not assumed: a run after the first should move only
stops that save at least 1 km each (ADR 0011), on a day whose routes it already planned.

    .venv/bin/python bench/city_plan_churn.py [--households 500] [--collectors 30]
        [--seconds 3] [--every 30] [--json bench/results/city-plan-churn.json]

The day runs on a scratch SQLite file (deleted afterwards); one core searches.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ewaste import demo
from ewaste.cli.context import session_factory
from ewaste.cli.db import upgrade_to_head
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.dispatch.models import CityPlanRun
from ewaste.kernel.clock import CHINA_TIME, FrozenClock
from ewaste.worker import JOBS


def run_day(*, households: int, collectors: int, seconds: float, every: int) -> dict[str, Any]:
    """The demo day with the worker's city plan on; its city plan runs, in order."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["EWASTE_DATABASE_URL"] = f"sqlite:///{folder}/churn.db"
        os.environ["EWASTE_CITY_PLAN_SECONDS"] = str(seconds)
        os.environ["EWASTE_CITY_PLAN_EVERY_MINUTES"] = str(every)
        settings = Settings()
        upgrade_to_head(settings.database_url)
        factory = session_factory(settings)
        rng = random.Random(2026)
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        clock = FrozenClock(today - timedelta(days=1))  # 08:00 in Shenzhen, yesterday
        with transaction(factory) as session:
            city = demo.build_city(
                session, now=clock.now(), rng=rng, households=households, collectors=collectors
            )
        started = time.perf_counter()
        summary = demo.simulate_day(
            factory, city=city, clock=clock, settings=settings, rng=rng, jobs=JOBS
        )
        wall = time.perf_counter() - started
        with transaction(factory) as session:
            runs = session.scalars(select(CityPlanRun).order_by(CityPlanRun.id)).all()
            rows = [
                {
                    "at": run.started_at.astimezone(CHINA_TIME).strftime("%H:%M"),
                    "by": run.started_by,
                    "applied": run.applied,
                    "planned": run.served,
                    "moved": run.moved,
                    "assigned": run.assigned,
                    "skipped": run.skipped,
                    "declined": run.declined_moves,
                    "km_before": round(run.before_m / 1000, 1),
                    "km_after": round(run.after_m / 1000, 1),
                    "moved_share": round(run.moved / run.served, 3) if run.served else 0.0,
                }
                for run in runs
            ]
        factory.kw["bind"].dispose()
    return {
        "bookings": summary.pickups,
        "collected": summary.collected,
        "wall_s": wall,
        "runs": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--collectors", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--every", type=int, default=30)
    parser.add_argument("--json", type=Path, default=Path("bench/results/city-plan-churn.json"))
    args = parser.parse_args()
    result = run_day(
        households=args.households,
        collectors=args.collectors,
        seconds=args.seconds,
        every=args.every,
    )
    print(
        f"demo day: {args.households} households, {args.collectors} collectors, "
        f"{result['bookings']} bookings, {result['collected']} collected "
        f"({result['wall_s']:.0f} s); city plan every {args.every} min, {args.seconds} s search"
    )
    print(
        f"{'at':>5} {'by':>8} {'planned':>7} {'moved':>5} {'given':>5} {'skipped':>7} "
        f"{'declined':>8}  km"
    )
    for r in result["runs"]:
        print(
            f"{r['at']:>5} {r['by']:>8} {r['planned']:>7} {r['moved']:>5} {r['assigned']:>5} "
            f"{r['skipped']:>7} {r['declined']:>8}  {r['km_before']} -> {r['km_after']}"
            f"{'' if r['applied'] else ' (not applied)'}"
        )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "benchmark": "city plan churn",
                "machine": {
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "commit": commit,
                    "cpu_count": os.cpu_count(),
                    "python": platform.python_version(),
                },
                "households": args.households,
                "collectors": args.collectors,
                "search_seconds": args.seconds,
                "every_minutes": args.every,
                **result,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
