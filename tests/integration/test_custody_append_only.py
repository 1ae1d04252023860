"""The database refuses to rewrite custody history and the status histories of the audit trail.

Raw SQL stands for a bug or a hand-typed query; each statement runs in a savepoint
so that the refusal leaves the test's transaction usable (SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.api.matrix_world import MatrixWorld, rolled_back_session, shared_world
from tests.conftest import T0

STATEMENTS = {
    "custody_event": (
        "UPDATE custody_event SET grams = grams + 1",
        "DELETE FROM custody_event",
    ),
    "quote_status_change": (
        "UPDATE quote_status_change SET event = 'rewritten'",
        "DELETE FROM quote_status_change",
    ),
    "pickup_status_change": (
        "UPDATE pickup_status_change SET note = 'rewritten'",
        "DELETE FROM pickup_status_change",
    ),
    "lot_status_change": (
        "UPDATE lot_status_change SET note = 'rewritten'",
        "DELETE FROM lot_status_change",
    ),
}


@pytest.fixture(scope="module")
def shared(engine: Engine) -> Iterator[tuple[Connection, MatrixWorld]]:
    with shared_world(engine, now=T0) as pair:
        yield pair


@pytest.fixture
def session(shared: tuple[Connection, MatrixWorld]) -> Iterator[Session]:
    with rolled_back_session(shared[0]) as s:
        yield s


def snapshot(session: Session, table: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in session.execute(text(f"SELECT * FROM {table} ORDER BY id"))]  # noqa: S608


@pytest.mark.parametrize("operation", ["UPDATE", "DELETE"])
@pytest.mark.parametrize("table", list(STATEMENTS))
def test_history_refuses_to_be_rewritten(session: Session, table: str, operation: str) -> None:
    before = snapshot(session, table)
    assert before, "the world writes history, so there are rows to protect"
    statement = STATEMENTS[table][0 if operation == "UPDATE" else 1]
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(statement))
    assert snapshot(session, table) == before


def test_a_single_targeted_event_is_protected_too(
    session: Session, shared: tuple[Connection, MatrixWorld]
) -> None:
    code = shared[1].a.unit_at_plant
    unit_id = session.execute(
        text("SELECT id FROM unit WHERE code = :code"), {"code": code}
    ).scalar_one()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(
            text("UPDATE custody_event SET to_id = from_id WHERE unit_id = :u AND seq = 4"),
            {"u": unit_id},
        )
