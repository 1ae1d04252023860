"""Whether the worker is running: each round of jobs leaves a heartbeat; the staff page and
`/healthz` read the newest. Without a worker nothing that waits on one happens —
certificates stay pending, held settlements are not released, offers do not time out —
and nothing else would say so."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.worker.models import WorkerHeartbeat

SILENT_AFTER: Final = timedelta(minutes=10)
"""A worker not seen for this long is reported as not running (rounds are seconds apart;
a round with a long city plan search takes a few minutes at most)."""


KEPT_FOR: Final = timedelta(days=7)
"""Heartbeats of workers not seen for this long are deleted."""


def this_worker() -> str:
    """This process's name in the heartbeat table: `host:pid`."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def beat(session: Session, *, name: str, started_at: datetime, now: datetime) -> None:
    """Record that the worker `name` (running since `started_at`) finished a round `now`."""
    dialect = sqlite if is_sqlite(session) else postgresql
    stmt = dialect.insert(WorkerHeartbeat).values(
        name=name, started_at=started_at, seen_at=now, rounds=1
    )
    # A restarted worker may get the same name (pid 1 in a container): a new start
    # begins its count again.
    same_run = WorkerHeartbeat.started_at == started_at
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[WorkerHeartbeat.name],
            set_={
                "seen_at": now,
                "started_at": started_at,
                "rounds": case((same_run, WorkerHeartbeat.rounds + 1), else_=1),
            },
        )
    )
    # Workers run once from cron leave a row each: keep a week of them.
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - KEPT_FOR))


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    """When a worker last finished a round (None: never), and whether that is recent."""

    seen_at: datetime | None
    running: bool


def worker_status(session: Session, *, now: datetime) -> WorkerStatus:
    """The newest heartbeat of any worker, judged against SILENT_AFTER."""
    seen = session.execute(select(func.max(WorkerHeartbeat.seen_at))).scalar_one_or_none()
    return WorkerStatus(seen, seen is not None and now - seen <= SILENT_AFTER)
