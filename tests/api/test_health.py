"""`GET /healthz`: 200 when the database answers at the code's schema revision; 503 saying
why otherwise (unreachable, or a schema behind or ahead of the code). No login needed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from ewaste.db import schema
from ewaste.web import health


def test_a_migrated_database_is_healthy(app_client: TestClient) -> None:
    answer = app_client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "database": "ok",
        "schema": schema.code_revision(),
        "worker": {"running": False, "seen_at": None},  # no worker in the tests
    }


def test_a_database_behind_the_code_is_reported(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "code_revision", lambda: "9999")
    answer = app_client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "unavailable",
        "database": "ok",
        "schema": "9999",
        "database_schema": schema.code_revision(),
    }


def test_a_database_migrated_ahead_of_the_code_is_healthy_and_named(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The operator ran `ewaste db upgrade` for the code being deployed; this older web
    # keeps serving (additive migrations) and says so.
    monkeypatch.setattr(health, "code_revision", lambda: "0001")
    monkeypatch.setattr(health, "code_knows", lambda revision: False)
    answer = app_client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["database_schema"] == schema.code_revision()
    assert answer.json()["schema"] == "0001"


def test_the_code_knows_its_own_migrations_and_not_others() -> None:
    assert schema.code_knows(schema.code_revision())
    assert schema.code_knows("0001")
    assert not schema.code_knows("9999")


def test_an_unreachable_database_is_reported(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(app_client.app.state, "session_factory", down)  # type: ignore[attr-defined]
    answer = app_client.get("/healthz")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["database"] == "unreachable"


def test_the_code_revision_is_the_newest_migration() -> None:
    newest = max(
        (p for p in (schema.project_root() / "migrations" / "versions").glob("*.py")),
        key=lambda p: p.name,
    )
    assert f'revision: str = "{schema.code_revision()}"' in newest.read_text()
