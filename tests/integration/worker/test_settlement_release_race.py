"""Two workers releasing held settlements at the same moment, on PostgreSQL with real
commits: each held share is released exactly once (SKIP LOCKED claims, one entry per key),
pending is emptied, and the journal still sums to zero."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ewaste import ledger, settlement
from ewaste.db.uow import transaction
from ewaste.kernel.money import Money
from tests.conftest import T0
from tests.factories import build_world
from tests.integration.exchange.helpers import units_at_station
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

RECEIPTS = 24
BATCH = 3


def _work(factory: sessionmaker[Session], barrier: threading.Barrier, counts: list[int]) -> None:
    barrier.wait(timeout=10)
    later = T0 + timedelta(days=8)
    while True:
        with transaction(factory) as session:
            moved = settlement.release_due(session, now=later, limit=BATCH)
        counts.append(moved)
        if moved == 0:
            return


def test_two_workers_release_each_held_share_once(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
        for _ in range(RECEIPTS):
            units_at_station(session, world, now=T0)
    collectors = (world.collector_a.organisation_id, world.collector_b.organisation_id)
    with transaction(race_db) as session:
        held = sum(
            (ledger.balance(session, ledger.Accounts.party_pending(c)) for c in collectors),
            Money(0),
        )
        available = sum(
            (ledger.balance(session, ledger.Accounts.party(c)) for c in collectors), Money(0)
        )
    assert held.is_positive()
    barrier = threading.Barrier(2)
    counts: tuple[list[int], list[int]] = ([], [])
    threads = [threading.Thread(target=_work, args=(race_db, barrier, c)) for c in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(counts[0]) + sum(counts[1]) == RECEIPTS
    with transaction(race_db) as session:
        keys = ledger.entry_keys_with_prefix(session, "settlement:")
        assert len([k for k in keys if k.endswith(":released")]) == RECEIPTS
        for c in collectors:
            assert ledger.balance(session, ledger.Accounts.party_pending(c)) == Money(0)
        after = sum(
            (ledger.balance(session, ledger.Accounts.party(c)) for c in collectors), Money(0)
        )
        assert after - available == held
        assert ledger.check_ledger(session).ok
        assert settlement.release_due(session, now=T0 + timedelta(days=30), limit=100) == 0
