"""Bad input answers 4xx with {code, message, data}, never 5xx, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import analytics, identity, ledger
from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import book, build_world


@pytest.fixture
def world_client(app_client: TestClient, session: Session, clock: FrozenClock) -> TestClient:
    build_world(session, now=clock.now())
    session.commit()
    return app_client


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/api/quotes", {"items": []}, "invalid_input"),
        (
            "/api/quotes",
            {"items": [{"category": "toaster", "quantity": 1}]},
            "catalog.category_not_found",
        ),
        ("/api/quotes", {"items": [{"category": "tv_flat", "quantity": 0}]}, "invalid_input"),
        ("/api/quotes", {"items": [{"category": "tv_flat", "quantity": "many"}]}, "invalid_input"),
        (
            "/api/quotes",
            {"items": [{"category": "tv_flat", "quantity": 1, "x": 1}]},
            "invalid_input",
        ),
        (
            "/api/quotes",
            {"items": [{"category": "tv_flat", "attributes": {"technology": "crt"}}]},
            "catalog.invalid_attributes",
        ),
        (
            "/api/quotes",
            {"items": [{"category": "tv_flat", "attributes": {"screen_inch": "²"}}]},
            "catalog.invalid_attributes",
        ),
        (
            "/api/quotes",
            {"items": [{"category": "tv_flat", "attributes": {"screen_inch": 500}}]},
            "catalog.invalid_attributes",
        ),
        (
            "/api/quotes",
            {"items": [{"category": "tv_flat", "conditions": ["missing_compressor"]}]},
            "catalog.invalid_condition",
        ),
        (
            "/api/quotes",
            {"items": [{"category": "tv_flat", "works": "yes"}]},
            "invalid_input",
        ),
        ("/api/pickups", {"quote_id": 999_999}, "invalid_input"),
    ],
)
def test_bad_quote_and_booking_bodies_are_refused(
    world_client: TestClient, session: Session, path: str, body: object, code: str
) -> None:
    before = analytics.overview(session)
    answer = world_client.post(path, headers=token(world_client, "home-a"), json=body)
    assert 400 <= answer.status_code < 500
    assert answer.json()["code"] == code
    assert set(answer.json()) == {"code", "message", "data"}
    assert analytics.overview(session) == before


def test_malformed_json_is_422(world_client: TestClient) -> None:
    answer = world_client.post(
        "/api/quotes",
        headers={**token(world_client, "home-a"), "Content-Type": "application/json"},
        content=b"{not json",
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_input"


def test_a_window_in_the_past_is_refused_and_the_quote_stays_open(
    world_client: TestClient, clock: FrozenClock
) -> None:
    home = token(world_client, "home-a")
    quote = world_client.post(
        "/api/quotes", headers=home, json={"items": [{"category": "laptop", "quantity": 1}]}
    ).json()
    past = clock.now() - timedelta(hours=3)
    answer = world_client.post(
        "/api/pickups",
        headers=home,
        json={
            "quote_id": quote["id"],
            "address": "x",
            "location": {"lat": 22.5, "lon": 114.0},
            "window_start": past.isoformat(),
            "window_end": (past + timedelta(hours=2)).isoformat(),
            "contact_name": "李",
            "contact_phone": "13800138000",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "orders.invalid_window"
    assert world_client.get(f"/api/quotes/{quote['id']}", headers=home).json()["status"] == "open"


def test_collecting_the_wrong_items_changes_nothing(
    world_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    op = token(world_client, "operator")
    pickup = book_via_services(session, clock)
    world_client.post(f"/api/pickups/{pickup}/assign", headers=op)
    before = (analytics.overview(session), ledger.totals_by_kind(session))
    answer = world_client.post(
        f"/api/pickups/{pickup}/collect",
        headers=token(world_client, "col-a"),
        json={"units": [{"category": "refrigerator", "grams": 40_000}]},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "orders.items_do_not_match_quote"
    assert (analytics.overview(session), ledger.totals_by_kind(session)) == before
    assert world_client.get(f"/api/pickups/{pickup}", headers=op).json()["status"] == "assigned"


def book_via_services(session: Session, clock: FrozenClock) -> int:
    """Book household a's flat TV through the services (the world already exists)."""
    actor = identity.authenticate(session, username="home-a", password="correct-horse-42")
    return book(session, actor, now=clock.now()).id


def test_unknown_token_is_401_and_missing_token_is_401(world_client: TestClient) -> None:
    bad = world_client.get("/api/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json()["code"] == "identity.invalid_token"
    none = world_client.get("/api/me")
    assert none.status_code == 401
    assert none.json()["code"] == "identity.missing_credentials"


def test_wrong_password_is_401(world_client: TestClient) -> None:
    answer = world_client.post("/api/auth/token", json={"username": "home-a", "password": "x"})
    assert answer.status_code == 401
    assert answer.json()["code"] == "identity.bad_credentials"
