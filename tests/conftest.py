"""Shared fixtures: one migrated database per test run (per xdist worker on PostgreSQL),
each test inside a transaction that is rolled back.

SQLite by default; set EWASTE_TEST_DATABASE_URL (a PostgreSQL URL) to run the same
suite on PostgreSQL. Each xdist worker gets its own PostgreSQL database.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from ewaste.cli.db import upgrade_to_head
from ewaste.config import Settings
from ewaste.db.session import make_engine
from ewaste.kernel.clock import FrozenClock
from ewaste.web.app import create_app

# The worker's city plan moves stops between collectors and searches for seconds: tests
# that run the worker's jobs would see it wherever a day has stops. Its own tests turn it
# on (tests/integration/worker/test_city_plan_job.py); the rest run without it.
os.environ.setdefault("EWASTE_CITY_PLAN_EVERY_MINUTES", "0")

# 10:00 in Shenzhen on a Tuesday.
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _postgres_base_url() -> str | None:
    url = os.environ.get("EWASTE_TEST_DATABASE_URL")
    return url if url and url.startswith("postgresql") else None


def is_postgres() -> bool:
    """True when the suite runs on PostgreSQL."""
    return _postgres_base_url() is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if is_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set EWASTE_TEST_DATABASE_URL")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def _worker_database_url(tmp_root: Path, worker: str) -> str:
    base = _postgres_base_url()
    if base is None:
        return f"sqlite:///{tmp_root / f'test-{worker}.db'}"
    name = f"ewaste_test_{re.sub(r'[^a-z0-9]', '', worker.lower()) or 'main'}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def database_url(worker_id: str) -> Iterator[str]:
    """A freshly migrated database for this test process."""
    with tempfile.TemporaryDirectory(prefix="ewaste-test-") as tmp:
        url = _worker_database_url(Path(tmp), worker_id)
        upgrade_to_head(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine of the test database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions bound to the test's connection; their commits become savepoint releases."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for service-level tests, rolled back with the test."""
    with session_factory() as s:
        yield s


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen at T0 (10:00 Shenzhen time)."""
    return FrozenClock(T0)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at the test database."""
    return Settings(
        env="test",
        database_url=database_url,
        secret_key="test-secret-key-0123456789",
        city_plan_seconds=1.0,
    )


@pytest.fixture
def app_client(
    settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock
) -> Iterator[TestClient]:
    """A TestClient whose requests run on the test's rolled-back connection."""
    app = create_app(settings, clock=clock)
    app.state.session_factory = session_factory
    app.state.single_write_sessions = None  # autocommit would escape the rollback
    with TestClient(app, base_url="http://testserver") as client:
        yield client
