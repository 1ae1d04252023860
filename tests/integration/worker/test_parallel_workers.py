"""Several workers against PostgreSQL never do the same job twice; a crashed worker loses
nothing. Runs on a database of its own, with real commits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from ewaste import pricing
from ewaste.cli.db import upgrade_to_head
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.kernel.clock import FrozenClock
from ewaste.pricing.models import QuoteStatusChange
from ewaste.worker import JOBS, run_due_jobs
from tests.conftest import T0, _postgres_base_url
from tests.factories import build_world

pytestmark = pytest.mark.postgres_only

QUOTES = 1_200


@pytest.fixture
def race_db(worker_id: str) -> Iterator[sessionmaker[Session]]:
    base = _postgres_base_url()
    assert base is not None
    name = f"ewaste_race_{worker_id}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    upgrade_to_head(url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _seed_expired_quotes(factory: sessionmaker[Session], clock: FrozenClock) -> None:
    with transaction(factory) as session:
        world = build_world(session, now=clock.now())
        for _ in range(QUOTES):
            pricing.create_quote(
                session,
                actor=world.household_a,
                now=clock.now(),
                valid_for=timedelta(minutes=1),
                items=[pricing.ItemRequest("mobile_phone", 1)],
            )
    clock.advance(timedelta(minutes=2))


def _expiries(factory: sessionmaker[Session]) -> tuple[int, int]:
    with transaction(factory) as session:
        changes = session.scalar(
            select(func.count())
            .select_from(QuoteStatusChange)
            .where(QuoteStatusChange.event == "expire")
        )
        distinct = session.scalar(
            select(func.count(func.distinct(QuoteStatusChange.quote_id))).where(
                QuoteStatusChange.event == "expire"
            )
        )
    return int(changes or 0), int(distinct or 0)


def test_four_workers_expire_each_quote_exactly_once(race_db: sessionmaker[Session]) -> None:
    clock = FrozenClock(T0)
    _seed_expired_quotes(race_db, clock)
    expire_only = tuple(job for job in JOBS if job.name == "expire_quotes")
    results: list[int] = []
    start = threading.Barrier(4)

    def work() -> None:
        start.wait()
        results.append(run_due_jobs(race_db, clock, jobs=expire_only)["expire_quotes"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sum(results) == QUOTES
    assert _expiries(race_db) == (QUOTES, QUOTES)


def test_a_worker_that_dies_mid_batch_loses_nothing(race_db: sessionmaker[Session]) -> None:
    clock = FrozenClock(T0)
    _seed_expired_quotes(race_db, clock)
    expire_only = tuple(job for job in JOBS if job.name == "expire_quotes")
    doomed = race_db()
    doomed.begin()
    claimed = pricing.expire_due_quotes(doomed, now=clock.now(), limit=300)  # locks 300 rows
    assert claimed == 300
    # Meanwhile a healthy worker takes everything the doomed one has not locked.
    assert run_due_jobs(race_db, clock, jobs=expire_only)["expire_quotes"] == QUOTES - 300
    doomed.rollback()  # the crash: nothing it did survives, its rows are due again
    doomed.close()
    assert run_due_jobs(race_db, clock, jobs=expire_only)["expire_quotes"] == 300
    assert _expiries(race_db) == (QUOTES, QUOTES)
