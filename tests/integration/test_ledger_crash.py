"""The ledger under load and crashes (issue 6, "Done when"), on a PostgreSQL cluster this test
starts itself: 64 clients (4 processes × 16 threads) post transfers, escrow holds and
releases and payouts for 60 s, while an operator thread batches payouts and imports bank
results. At 15 s and 45 s a client process is killed (SIGKILL) and replaced; at 30 s
PostgreSQL is stopped hard (`pg_ctl stop -m immediate`) and restarted.

Afterwards: the journal sums to zero, every balance row equals the sum of its lines, no
account is below zero where its type forbids it, payouts reconcile with the ledger, and
every request a client saw succeed is present exactly once.

PostgreSQL-only (runs in CI's PostgreSQL pass); skipped with its reason when the server
binaries are not installed. About 80 s.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from ewaste import ledger, payouts
from ewaste.cli.db import upgrade_to_head
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from tests.integration.ledger_crash_support import (
    ERRORS_FILE,
    THREADS,
    client_process,
    new_cluster,
    postgres_bin,
    seed,
)

pytestmark = pytest.mark.postgres_only

PROCESSES = 4
SECONDS = 60
KILLS_AT = (15, 45)
CRASH_AT = 30


def test_the_ledger_survives_64_clients_killed_workers_and_a_hard_database_stop(
    tmp_path: Path,
) -> None:
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin")
    assert PROCESSES * THREADS >= 64
    cluster = new_cluster(bin_dir)
    ERRORS_FILE.unlink(missing_ok=True)
    try:
        cluster.init()
        upgrade_to_head(cluster.url)
        cast = seed(cluster.url)
        acks = tmp_path / "acks"
        acks.mkdir()
        spawn = multiprocessing.get_context("spawn")
        start = time.time()
        deadline = start + SECONDS

        def launch(slot: str) -> multiprocessing.process.BaseProcess:
            process = spawn.Process(
                target=client_process, args=(cluster.url, cast, slot, deadline, str(acks))
            )
            process.start()
            return process

        running = {n: launch(f"{n}.0") for n in range(PROCESSES)}
        events = sorted([(t, "kill") for t in KILLS_AT] + [(CRASH_AT, "crash")])
        for generation, (at, what) in enumerate(events, start=1):
            time.sleep(max(0.0, start + at - time.time()))
            if what == "crash":
                cluster.stop("immediate")
                time.sleep(2)
                cluster.start()
            else:
                victim = generation % PROCESSES
                os.kill(running[victim].pid or 0, signal.SIGKILL)
                running[victim].join(10)
                assert running[victim].exitcode == -signal.SIGKILL
                running[victim] = launch(f"{victim}.{generation}")
        for process in running.values():
            process.join(SECONDS + 30)
            assert process.exitcode == 0, process.exitcode
        assert not ERRORS_FILE.exists(), ERRORS_FILE.read_text(encoding="utf-8")[:3000]

        entry_keys: list[str] = []
        payout_keys: list[tuple[int, str]] = []
        for file in acks.glob("*.acks"):
            for line in file.read_text(encoding="ascii").splitlines():
                kind, *rest = line.split()
                if kind == "entry":
                    entry_keys.append(rest[0])
                else:
                    payout_keys.append((int(rest[0]), rest[1]))
        assert len(entry_keys) > 1000
        assert payout_keys

        engine = make_engine(cluster.url)
        with transaction(make_session_factory(engine)) as session:
            check = ledger.check_ledger(session)
            assert check.ok, check
            assert check.debits == check.credits
            counts = ledger.key_counts(session, entry_keys)
            assert set(counts.values()) == {1}, [k for k, n in counts.items() if n != 1][:10]
            stored = session.execute(
                text(
                    "SELECT organisation_id, idempotency_key, COUNT(*) FROM payout "
                    "GROUP BY organisation_id, idempotency_key"
                )
            ).all()
            by_key = {(int(org), str(key)): int(n) for org, key, n in stored}
            assert all(by_key.get(key) == 1 for key in payout_keys)
            report = payouts.reconcile(session, actor=cast.operator)
            assert report.ok, report
            settled = session.scalar(
                select(text("COUNT(*)"))
                .select_from(text("payout"))
                .where(text("status IN ('paid', 'failed')"))
            )
            assert settled
        engine.dispose()
        sys.stdout.write(  # the figures of the run, shown with -s
            f"\ncrash test: {len(entry_keys)} entries and {len(payout_keys)} payouts "
            f"acknowledged by {PROCESSES * THREADS} clients, {check.entries} entries in all, "
            f"{settled} payouts settled by the bank\n"
        )
    finally:
        cluster.remove()
