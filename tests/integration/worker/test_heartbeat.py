"""The worker's heartbeat: every round of `run_forever` leaves one, and the newest says
whether a worker runs (seen within SILENT_AFTER) — for the staff page and /healthz."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import worker
from ewaste.kernel.clock import FrozenClock
from ewaste.worker import jobs as worker_jobs
from ewaste.worker.heartbeat import beat
from ewaste.worker.models import WorkerHeartbeat


def test_a_worker_is_running_while_its_rounds_are_recent(
    session: Session, clock: FrozenClock
) -> None:
    assert worker.worker_status(session, now=clock.now()) == worker.WorkerStatus(None, False)
    started = clock.now()
    beat(session, name="host:1", started_at=started, now=started)
    clock.advance(timedelta(minutes=3))
    beat(session, name="host:1", started_at=started, now=clock.now())
    status = worker.worker_status(session, now=clock.now())
    assert (status.seen_at, status.running) == (clock.now(), True)
    clock.advance(worker.SILENT_AFTER + timedelta(seconds=1))
    assert not worker.worker_status(session, now=clock.now()).running
    # Another worker's round counts as well: the newest heartbeat of any.
    beat(session, name="other:2", started_at=clock.now(), now=clock.now())
    assert worker.worker_status(session, now=clock.now()).running


def test_each_round_of_the_worker_leaves_a_heartbeat(
    session: Session,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_jobs, "JOBS", ())
    stop = threading.Event()
    rounds: list[dict[str, int]] = []

    def counted(counts: dict[str, int]) -> None:
        rounds.append(counts)
        clock.advance(timedelta(seconds=5))
        if len(rounds) == 3:
            stop.set()

    worker_jobs.run_forever(
        session_factory, clock, interval_seconds=0.01, stop=stop, on_round=counted
    )
    status = worker.worker_status(session, now=clock.now())
    assert status.running
    assert status.seen_at == clock.now() - timedelta(seconds=5)  # the third round's end


def test_a_restarted_worker_with_the_same_name_counts_again_and_old_rows_go(
    session: Session, clock: FrozenClock
) -> None:
    first = clock.now()
    for _ in range(3):
        beat(session, name="box:1", started_at=first, now=clock.now())
    beat(session, name="cron:77", started_at=first, now=first)
    clock.advance(timedelta(days=8))
    restarted = clock.now()
    beat(session, name="box:1", started_at=restarted, now=restarted)
    rows = {r.name: (r.started_at, r.rounds) for r in session.scalars(select(WorkerHeartbeat))}
    assert rows == {"box:1": (restarted, 1)}  # the cron run's row was a week old
