"""The database itself refuses to rewrite posted money: UPDATE and DELETE on the journal fail.

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
    "journal_entry": (
        "UPDATE journal_entry SET description = 'rewritten'",
        "DELETE FROM journal_entry",
    ),
    "journal_line": (
        "UPDATE journal_line SET amount_minor = amount_minor + 1",
        "DELETE FROM journal_line",
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
def test_the_journal_refuses_to_be_rewritten(session: Session, table: str, operation: str) -> None:
    before = snapshot(session, table)
    assert before, "the world posts entries, so there are rows to protect"
    statement = STATEMENTS[table][0 if operation == "UPDATE" else 1]
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(statement))
    assert snapshot(session, table) == before


def test_appending_is_still_allowed_after_a_refusal(session: Session) -> None:
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text("DELETE FROM journal_line"))
    lines = session.execute(text("SELECT count(*) FROM journal_line")).scalar_one()
    session.execute(
        text(
            "INSERT INTO journal_entry (idempotency_key, fingerprint, occurred_at, description, "
            "source) VALUES ('append-check', 'x', :at, 'append', 'test')"
        ),
        {"at": T0},
    )
    assert session.execute(text("SELECT count(*) FROM journal_line")).scalar_one() == lines
    assert (
        session.execute(
            text("SELECT count(*) FROM journal_entry WHERE idempotency_key = 'append-check'")
        ).scalar_one()
        == 1
    )
