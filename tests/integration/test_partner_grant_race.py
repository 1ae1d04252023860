"""Parallel grants and monthly runs on PostgreSQL, real commits, one session per thread:
the pool row's lock makes grants queue, so together they never take more than the pool
holds (the rest are told `partners.pool_exhausted`), and a month is closed once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from ewaste import partners
from ewaste.db.uow import transaction
from tests.integration.test_partner_options import CLOSE_NOVEMBER, CLOSE_OCTOBER, partner_world
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

THREADS = 16
SHARES = 100
ROUNDS = 3


def _race(target, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait(timeout=20)
        try:
            result = target(index)
        except partners.PoolExhausted as error:
            result = error.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_parallel_grants_never_take_more_than_the_pool(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = partner_world(session, cap=2_000)  # October's run granted 1,001
    partner = world.collector_a.organisation_id
    expected_outstanding = 1_001
    for round_number in range(ROUNDS):
        with transaction(race_db) as session:
            # Room for exactly nine grants of 100 each round.
            partners.configure_pool(
                session,
                actor=world.operator,
                total_shares=1_000_000,
                cap_shares=expected_outstanding + 9 * SHARES + 50,
                terms=partners.PoolTerms(),
                now=CLOSE_OCTOBER,
            )

        def grant(index: int) -> str:
            with transaction(race_db) as s:
                partners.grant_options(
                    s,
                    actor=world.operator,
                    organisation_id=partner,
                    shares=SHARES,
                    now=CLOSE_OCTOBER + timedelta(seconds=index),
                )
            return "granted"

        outcomes = _race(grant, THREADS)
        assert outcomes.count("granted") == 9, (round_number, outcomes)
        assert outcomes.count("partners.pool_exhausted") == THREADS - 9
        expected_outstanding += 9 * SHARES
        with transaction(race_db) as session:
            pool = session.execute(
                text("SELECT cap_shares, outstanding_shares FROM option_pool")
            ).one()
            granted = session.execute(text("SELECT sum(shares) FROM option_grant")).scalar_one()
        assert pool.outstanding_shares == granted == expected_outstanding
        assert pool.outstanding_shares <= pool.cap_shares


def test_parallel_workers_close_a_month_once(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        partner_world(session)

    def close(index: int) -> str:
        with transaction(race_db) as s:
            return "ran" if partners.close_partner_month(s, now=CLOSE_NOVEMBER) else "done"

    outcomes = _race(close, 8)
    assert sorted(outcomes) == ["done"] * 7 + ["ran"]
    with transaction(race_db) as session:
        runs = session.execute(text("SELECT month FROM partner_run ORDER BY month")).scalars()
        assert list(runs) == ["2026-10", "2026-11"]
