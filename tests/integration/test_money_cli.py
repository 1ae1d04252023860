"""`ewaste ledger check` and `ewaste payouts batch|download|import|reconcile` as an operator
runs them on a SQLite file: a payout batched, its bank file written, a bad result file
refused with nothing changed, the good one applied twice (once in effect), all reconciled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from ewaste import payouts
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock
from ewaste.kernel.money import Money
from tests.factories import build_world

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


def _two_payouts(db: Path) -> tuple[int, int]:
    """Seed every party and have collector a withdraw ¥120 and ¥30; return the payout ids."""
    engine = make_engine(f"sqlite:///{db}")
    now = SystemClock().now()
    try:
        with transaction(make_session_factory(engine)) as session:
            world = build_world(session, now=now)
            payouts.save_bank_account(
                session,
                actor=world.collector_a,
                holder="王师傅",
                bank_name="农业银行",
                account_number="6228480000000001",
                now=now,
            )
            ids = tuple(
                payouts.request_payout(
                    session,
                    actor=world.collector_a,
                    amount=Money(fen),
                    idempotency_key=key,
                    now=now,
                ).id
                for key, fen in (("a", 120_00), ("b", 30_00))
            )
    finally:
        engine.dispose()
    return ids[0], ids[1]


def test_the_money_commands_batch_pay_and_reconcile(tmp_path: Path) -> None:
    db = tmp_path / "money.db"
    assert ewaste(db, "db", "upgrade").returncode == 0
    paid, failed = _two_payouts(db)

    check = ewaste(db, "ledger", "check")
    assert check.returncode == 0, check.stderr
    assert "unbalanced entries 0" in check.stdout
    assert check.stdout.rstrip().endswith("ledger ok")

    batch = ewaste(db, "payouts", "batch")
    assert batch.returncode == 0, batch.stderr
    assert batch.stdout.strip() == "batch 1: 2 payouts, 150.00"
    nothing = ewaste(db, "payouts", "batch")
    assert nothing.returncode == 2
    assert nothing.stderr.startswith("error[payouts.nothing_to_batch]")

    pending = ewaste(db, "payouts", "reconcile")
    assert pending.returncode == 0, pending.stdout
    assert "batched: 2 (150.00)" in pending.stdout
    assert "in transit: ledger 150.00, payouts 150.00" in pending.stdout

    out = tmp_path / "batch-1.csv"
    written = ewaste(db, "payouts", "download", "1", "--out", str(out))
    assert written.returncode == 0, written.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(payouts.BATCH_HEADER)
    assert len(lines) == 3
    assert all("6228480000000001" in line for line in lines[1:])

    header = ",".join(payouts.RESULT_HEADER)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\n1,{paid},999.00,paid,B-1,\n", encoding="utf-8")
    refused = ewaste(db, "payouts", "import", "1", str(bad))
    assert refused.returncode == 2
    assert refused.stderr.startswith("error[payouts.malformed_result_file]")
    assert "batched: 2 (150.00)" in ewaste(db, "payouts", "reconcile").stdout

    good = tmp_path / "result.csv"
    good.write_text(
        f"{header}\n1,{paid},120.00,paid,B-1,\n1,{failed},30.00,failed,,account closed\n",
        encoding="utf-8",
    )
    imported = ewaste(db, "payouts", "import", "1", str(good))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "batch 1 settled: 1 paid, 1 failed, 0 unchanged"
    again = ewaste(db, "payouts", "import", "1", str(good))
    assert again.stdout.strip() == "batch 1 settled: 0 paid, 0 failed, 2 unchanged"

    done = ewaste(db, "payouts", "reconcile")
    assert done.returncode == 0, done.stdout
    assert "paid: 1 (120.00)" in done.stdout
    assert "failed: 1 (30.00)" in done.stdout
    assert "in transit: ledger 0.00, payouts 0.00" in done.stdout
    assert done.stdout.rstrip().endswith("reconciled")
    assert ewaste(db, "ledger", "check").returncode == 0

    missing = ewaste(db, "payouts", "download", "9", "--out", str(tmp_path / "x.csv"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("error[payouts.batch_not_found]")


def test_ledger_check_and_reconcile_exit_1_when_a_balance_row_disagrees(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    assert ewaste(db, "db", "upgrade").returncode == 0
    _two_payouts(db)
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:  # a snapshot edited behind the ledger's back
            conn.execute(
                text(
                    "UPDATE ledger_balance SET credit_minor = credit_minor + 1 WHERE account_id = "
                    "(SELECT id FROM ledger_account WHERE code = 'platform:payouts-in-transit')"
                )
            )
    finally:
        engine.dispose()
    check = ewaste(db, "ledger", "check")
    assert check.returncode == 1
    assert "platform:payouts-in-transit" in check.stdout
    assert check.stdout.rstrip().endswith("LEDGER NOT OK")
    reconcile = ewaste(db, "payouts", "reconcile")
    assert reconcile.returncode == 1
    assert reconcile.stdout.rstrip().endswith("NOT RECONCILED")
