"""The quote routes' single-write sessions (docs/adr/0010): on PostgreSQL a quote is one
SELECT (the caller) and one INSERT on an autocommit connection — no BEGIN, no COMMIT —
and a second write in one unit of work is refused before it is sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from ewaste.config import Settings
from ewaste.db.session import NotASingleWrite, make_session_factory, make_single_write_engine
from ewaste.db.uow import transaction
from ewaste.kernel.clock import FrozenClock
from ewaste.web.app import create_app
from tests.api.helpers import token
from tests.api.test_database_errors import scratch_database_url  # noqa: F401 - fixture
from tests.conftest import T0
from tests.factories import build_world

ITEMS = {"items": [{"category": "mobile_phone"}, {"category": "tv_flat", "quantity": 2}]}


def test_sqlite_has_no_single_write_engine() -> None:
    assert make_single_write_engine("sqlite:///var/never-created.db") is None


@pytest.fixture
def single_write(scratch_database_url: str) -> Iterator[Engine]:  # noqa: F811
    engine = make_single_write_engine(scratch_database_url, pool_size=1)
    assert engine is not None
    yield engine
    engine.dispose()


@pytest.mark.postgres_only
def test_a_quote_is_one_select_and_one_insert_without_begin_or_commit(
    scratch_database_url: str,  # noqa: F811
) -> None:
    app = create_app(
        Settings(
            env="test", database_url=scratch_database_url, secret_key="test-secret-0123456789"
        ),
        clock=FrozenClock(T0),
    )
    with transaction(app.state.session_factory) as session:
        build_world(session, now=T0 - timedelta(days=30))
    engine = app.state.single_write_sessions.kw["bind"]
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2].split()[0]))
    try:
        with TestClient(app, base_url="http://testserver") as client:
            headers = token(client, "home-a")
            assert client.post("/api/quotes", headers=headers, json=ITEMS).status_code == 201
            sent.clear()  # the first quote also filled the price book and station caches
            created = client.post("/api/quotes", headers=headers, json=ITEMS)
            assert created.status_code == 201, created.text
            # the caller, then the quote (the price book's freshness check may come between)
            assert sent[0] == "SELECT", sent
            assert sent[-1] == "INSERT", sent
            assert len(sent) <= 3, sent
            assert set(sent[1:-1]) <= {"SELECT"}
            fetched = client.get(f"/api/quotes/{created.json()['id']}", headers=headers)
            assert fetched.json() == created.json()
            refused = client.post(
                "/api/quotes", headers=headers, json={"items": [{"category": "x"}]}
            )
            assert refused.status_code == 404, refused.text
        with engine.connect() as conn:
            assert conn.connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]
        with transaction(app.state.session_factory) as session:
            stored = session.execute(text("SELECT count(*) FROM quote")).scalar_one()
        assert stored == 2
    finally:
        app.state.engine.dispose()
        engine.dispose()


@pytest.mark.postgres_only
def test_a_second_write_in_one_unit_of_work_is_refused_before_it_is_sent(
    single_write: Engine,
) -> None:
    with single_write.connect() as conn:
        conn.execute(text("CREATE TABLE probe (n integer)"))
    sessions = make_session_factory(single_write)
    with transaction(sessions) as session:
        session.execute(text("SELECT 1"))
        session.execute(text("INSERT INTO probe VALUES (1)"))
        with pytest.raises(NotASingleWrite):
            session.execute(text("INSERT INTO probe VALUES (2)"))
    with transaction(sessions) as session:  # a new checkout may write again
        session.execute(text("INSERT INTO probe VALUES (3)"))
    with single_write.connect() as conn:
        assert conn.execute(text("SELECT n FROM probe ORDER BY n")).scalars().all() == [1, 3]
