"""The worker's due jobs: expire quotes and unconfirmed bookings, assign waiting pickups."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ewaste import orders, pricing
from ewaste.kernel.clock import FrozenClock
from ewaste.worker import jobs as worker_jobs
from ewaste.worker import run_due_jobs
from tests.factories import book, build_world


def test_quotes_expire_when_their_binding_period_ends(
    session: Session, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    quote = pricing.create_quote(
        session,
        actor=world.household_a,
        now=clock.now(),
        valid_for=timedelta(hours=1),
        items=[pricing.ItemRequest("laptop", 1)],
    )
    session.commit()
    assert run_due_jobs(session_factory, clock)["expire_quotes"] == 0
    clock.advance(timedelta(hours=1))
    assert run_due_jobs(session_factory, clock)["expire_quotes"] == 1
    assert run_due_jobs(session_factory, clock)["expire_quotes"] == 0
    session.expire_all()
    assert (
        pricing.get_quote(session, actor=world.household_a, quote_id=quote.id).status == "expired"
    )


def test_booking_an_expired_quote_is_refused(session: Session, clock: FrozenClock) -> None:
    world = build_world(session, now=clock.now())
    quote = pricing.create_quote(
        session,
        actor=world.household_a,
        now=clock.now(),
        valid_for=timedelta(minutes=5),
        items=[pricing.ItemRequest("laptop", 1)],
    )
    later = clock.advance(timedelta(minutes=5))
    with pytest.raises(pricing.QuoteExpired) as refused:
        pricing.book_quote(session, actor=world.household_a, quote_id=quote.id, now=later)
    assert refused.value.code == "pricing.quote_expired"


def test_waiting_pickups_are_assigned_and_stale_ones_expire(
    session: Session, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    first = book(session, world.household_a, now=clock.now())
    session.commit()
    counts = run_due_jobs(session_factory, clock)
    assert counts["assign_pickups"] == 1
    second = book(session, world.household_b, now=clock.now(), items={"laptop": 1})
    # Nobody ran the worker while second's window passed: it expires, unassigned.
    session.commit()
    clock.advance(timedelta(hours=4))
    counts = run_due_jobs(session_factory, clock)
    assert counts["expire_pickups"] == 1
    session.expire_all()
    assert orders.get_pickup(session, actor=world.operator, pickup_id=first.id).status == "assigned"
    assert orders.get_pickup(session, actor=world.operator, pickup_id=second.id).status == "expired"


def test_a_failing_job_does_not_stop_the_jobs_after_it(
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    def broken(session: Session, now: object, limit: int) -> int:
        raise RuntimeError("the signing key was rotated away")

    def fine(session: Session, now: object, limit: int) -> int:
        ran.append("fine")
        return 0

    monkeypatch.setattr(
        worker_jobs, "JOBS", (worker_jobs.Job("broken", broken), worker_jobs.Job("fine", fine))
    )
    stop = threading.Event()
    rounds: list[dict[str, int]] = []

    def one_round(counts: dict[str, int]) -> None:
        rounds.append(counts)
        stop.set()

    worker_jobs.run_forever(
        session_factory, clock, interval_seconds=0.01, stop=stop, on_round=one_round
    )
    assert ran == ["fine"]
    assert rounds == [{"fine": 0}]
    assert "worker job broken failed" in caplog.text
