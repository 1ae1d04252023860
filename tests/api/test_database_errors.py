"""A database that is busy or gone answers 503 with Retry-After, never a 500.

Connections are not pinged before use (docs/adr/0010): after a database restart the
first request on a dead pooled connection fails once (503, database_unavailable), the
pool is discarded, and the next request succeeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from ewaste.cli.db import upgrade_to_head
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.identity import Role
from ewaste.kernel.clock import FrozenClock
from ewaste.web.app import create_app
from tests.api.helpers import token
from tests.conftest import T0
from tests.factories import make_party


def lost_connection() -> None:
    raise OperationalError(
        "SELECT 1",
        {},
        Exception("server closed the connection unexpectedly"),
        connection_invalidated=True,
    )


def busy_database() -> None:
    raise OperationalError("UPDATE quote SET version = 2", {}, Exception("database is locked"))


@pytest.fixture
def client(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    """The app of the test settings with two throwaway routes that fail in the database."""
    app = create_app(settings, clock=clock)
    app.add_api_route("/api/test-only/lost-connection", lost_connection)
    app.add_api_route("/api/test-only/busy", busy_database)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        (
            "/api/test-only/lost-connection",
            "database_unavailable",
            "The database connection was lost; try again.",
        ),
        ("/api/test-only/busy", "database_busy", "The database is busy; try again in a moment."),
    ],
    ids=["connection-invalidated", "busy"],
)
def test_an_operational_error_is_a_503_to_retry_in_a_second(
    client: TestClient, path: str, code: str, message: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"code": code, "message": message, "data": {}}


# --- a real lost connection (PostgreSQL) --------------------------------------------------


@pytest.fixture
def scratch_database_url(database_url: str) -> Iterator[str]:
    """A migrated database of its own: this test commits and kills connections.

    The suite's database stays untouched (its tests run in rolled-back transactions
    that would otherwise meet this test's committed users); dropped afterwards.
    """
    base, name = database_url.rsplit("/", 1)
    scratch = f"{name}_lost_conn"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{scratch}"'))
        url = f"{base}/{scratch}"
        upgrade_to_head(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


def terminate_backends(admin_url: str, database: str) -> int:
    """Kill every server process serving `database`, from a separate admin connection."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            killed = conn.scalars(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": database},
            ).all()
    finally:
        admin.dispose()
    return sum(1 for ok in killed if ok)


@pytest.mark.postgres_only
def test_a_killed_pooled_connection_fails_one_call_with_503_then_the_pool_recovers(
    database_url: str, scratch_database_url: str
) -> None:
    settings = Settings(
        env="test", database_url=scratch_database_url, secret_key="test-secret-key-0123456789"
    )
    app = create_app(settings, clock=FrozenClock(T0))
    with transaction(app.state.session_factory) as session:
        make_party(session, Role.OPERATOR, "operator", now=T0 - timedelta(days=1))
    try:
        with TestClient(app, base_url="http://testserver") as client:
            headers = token(client, "operator")
            assert client.get("/api/me", headers=headers).status_code == 200

            database = scratch_database_url.rsplit("/", 1)[1]
            assert terminate_backends(database_url, database) >= 1

            lost = client.get("/api/me", headers=headers)
            assert lost.status_code == 503, lost.text
            assert lost.headers["retry-after"] == "1"
            assert lost.json()["code"] == "database_unavailable"

            again = client.get("/api/me", headers=headers)
            assert again.status_code == 200, again.text
            assert again.json()["username"] == "operator"
    finally:
        app.state.engine.dispose()
