"""The CLI as an operator uses it: migrations, the demo, reports, the worker, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    "EWASTE_TEST_DATABASE_URL" in os.environ, reason="drives its own SQLite file"
)


def ewaste(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EWASTE_DATABASE_URL": f"sqlite:///{db}", "COLUMNS": "120"}
    return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [sys.executable, "-m", "ewaste.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_day_report_worker_and_errors(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert ewaste(db, "db", "upgrade").returncode == 0

    no_operator = ewaste(db, "pickups", "assign", "1")
    assert no_operator.returncode == 2
    assert no_operator.stderr.startswith("error[identity.organisation_not_found]")

    demo = ewaste(db, "demo", "--no-serve", "--households", "40", "--collectors", "4")
    assert demo.returncode == 0, demo.stderr
    assert "ledger balanced: yes" in demo.stdout
    complete = next(ln for ln in demo.stdout.splitlines() if "custody chains complete" in ln)
    done, total = complete.split(":")[1].split(" of ")
    assert int(done) == int(total) > 0

    again = ewaste(db, "demo", "--no-serve")
    assert again.returncode == 2  # the city exists: refuse rather than double it
    assert "already holds data" in again.stderr

    report = ewaste(db, "report", "overview", "--json")
    assert report.returncode == 0, report.stderr
    figures = json.loads(report.stdout)
    assert figures["ledger_balanced"] is True
    assert figures["money_by_account_kind"]["escrow"] == "0.00"

    missing = ewaste(db, "pickups", "assign", "999999")
    assert missing.returncode == 2
    assert missing.stderr.startswith("error[orders.pickup_not_found]")

    plan = ewaste(db, "pickups", "plan-routes", "--seconds", "1", "--workers", "1", "--json")
    assert plan.returncode == 0, plan.stderr
    planned = json.loads(plan.stdout)
    assert planned["applied"] is True
    assert planned["served"] <= planned["promised"] + planned["waiting"]
    bad_day = ewaste(db, "pickups", "plan-routes", "--day", "24/11/2026")
    assert bad_day.returncode == 2
    assert "not a date" in bad_day.stderr

    worker = ewaste(db, "worker", "--once")
    assert worker.returncode == 0, worker.stderr
    assert "expire_quotes=" in worker.stdout
