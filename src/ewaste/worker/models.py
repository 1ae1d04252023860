"""The worker's heartbeat: when each worker process last finished a round of jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime


class WorkerHeartbeat(Base):
    """One row per worker process (`host:pid`), updated after each of its rounds. Rows of
    stopped workers stay: the newest `seen_at` says when any worker last ran."""

    __tablename__ = "worker_heartbeat"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    rounds: Mapped[int] = mapped_column(BigInteger)
