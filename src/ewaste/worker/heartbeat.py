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

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.worker.models import WorkerHeartbeat

SILENT_AFTER: Final = timedelta(minutes=10)
"""A worker not seen for this long is reported as not running (rounds are seconds apart;
a round with a long city plan search takes a few minutes at most)."""


def this_worker() -> str:
    """This process's name in the heartbeat table: `host:pid`."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def beat(session: Session, *, name: str, started_at: datetime, now: datetime) -> None:
    """Record that the worker `name` (running since `started_at`) finished a round `now`."""
    dialect = sqlite if is_sqlite(session) else postgresql
    stmt = dialect.insert(WorkerHeartbeat).values(
        name=name, started_at=started_at, seen_at=now, rounds=1
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[WorkerHeartbeat.name],
            set_={"seen_at": now, "rounds": WorkerHeartbeat.rounds + 1},
        )
    )


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    """When a worker last finished a round (None: never), and whether that is recent."""

    seen_at: datetime | None
    running: bool


def worker_status(session: Session, *, now: datetime) -> WorkerStatus:
    """The newest heartbeat of any worker, judged against SILENT_AFTER."""
    seen = session.execute(select(func.max(WorkerHeartbeat.seen_at))).scalar_one_or_none()
    return WorkerStatus(seen, seen is not None and now - seen <= SILENT_AFTER)
