"""Engine and session factory built from Settings; no module-level engine."""

from __future__ import annotations

import sqlite3
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, echo: bool = False, pool_size: int = 5) -> Engine:
    """Create an engine for `url`; SQLite gets foreign keys, WAL and synchronous=FULL.

    `pool_size` connections are kept open (PostgreSQL); more are opened when needed and
    closed when returned, so it should cover the threads that use the engine at once.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take it over so that
        # SAVEPOINTs and write locks behave (SQLAlchemy docs, "Serializable isolation").
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # No pre-ping: it costs a round trip on every request (docs/adr/0010). A connection
    # that died with the server fails its request once (503, database_unavailable) and
    # SQLAlchemy then discards the whole pool; recycling bounds a connection's age.
    return create_engine(url, echo=echo, pool_recycle=1800, pool_size=pool_size)


class NotASingleWrite(RuntimeError):
    """A unit of work on a single-write engine tried a second write statement (a bug)."""


def make_single_write_engine(url: str, *, pool_size: int = 5) -> Engine | None:
    """An engine for units of work that write at most ONE statement; None on SQLite.

    Its PostgreSQL connections are in autocommit mode, set once when they open: a
    read-then-insert (a quote) costs two round trips instead of four, with no BEGIN and
    no COMMIT, and the one write is atomic by itself (docs/adr/0010). A second write
    statement in one checkout raises NotASingleWrite before it is sent; the guard is
    for bugs, as the first write is already committed by then.
    """
    if url.startswith("sqlite"):
        return None
    engine = create_engine(
        url, isolation_level="AUTOCOMMIT", pool_recycle=1800, pool_size=pool_size
    )
    event.listen(engine, "checkout", _reset_write_count)
    event.listen(engine, "before_cursor_execute", _count_write)
    return engine


def _reset_write_count(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    record.info["writes"] = 0


def _count_write(
    conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
) -> None:
    if statement.lstrip()[:6].upper() == "SELECT":
        return
    writes = conn.info.get("writes", 0) + 1
    if writes > 1:
        raise NotASingleWrite(statement[:80])
    conn.info["writes"] = writes


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A factory of sessions that never expire objects on commit (pages render after it)."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def is_sqlite(session: Session) -> bool:
    """True when the session talks to SQLite (no row locks, no SKIP LOCKED)."""
    bind = session.get_bind()
    return bind.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


READ_ONLY: Final = "ewaste_read_only"
"""Execution option of a connection that only reads (`{READ_ONLY: True}`): on SQLite its
transaction begins deferred, without the write lock, so it never waits for a writer (WAL
lets it read meanwhile). For probes such as /healthz."""


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
    # failing with "database is locked" half-way through a transaction.
    # Straight to the driver: this runs once per transaction, on every request.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"
    try:
        connection.connection.dbapi_connection.execute(begin)
    except sqlite3.OperationalError as busy:  # still locked after busy_timeout
        # Raised from an event hook, the driver's error would escape SQLAlchemy's wrapping
        # (and the web's 503 "database busy" answer): wrap it as SQLAlchemy would.
        raise OperationalError(begin, None, busy) from busy
