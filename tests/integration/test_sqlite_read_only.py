"""On SQLite every transaction takes the write lock at BEGIN (writers queue, none fails
half-way) — except a connection marked READ_ONLY, which reads at once while a writer
holds the lock (WAL). /healthz reads that way, so a worker's long transaction never makes
the probe wait."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ewaste.db.session import READ_ONLY, make_engine


def test_a_read_only_connection_reads_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    try:
        with engine.begin() as setup:
            setup.execute(text("CREATE TABLE t (x INTEGER)"))
            setup.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as writer, engine.connect() as reader, engine.connect() as plain:
            writer.begin()
            writer.execute(text("INSERT INTO t VALUES (2)"))
            started = time.monotonic()
            reader.execution_options(**{READ_ONLY: True})
            with reader.begin():
                assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 1
            assert time.monotonic() - started < 5  # no wait for the writer's lock
            # Without the option a reader queues for the write lock (here 0.1 s, then fails).
            plain.connection.dbapi_connection.execute("PRAGMA busy_timeout=100")  # type: ignore[union-attr]
            try:
                with plain.begin():
                    plain.execute(text("SELECT 1"))
                waited = False
            except OperationalError as locked:  # SQLAlchemy's: the web answers 503 busy
                waited = "locked" in str(locked)
            writer.rollback()
            assert waited
    finally:
        engine.dispose()
