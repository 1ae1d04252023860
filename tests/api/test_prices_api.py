"""Prices through the API: the public board and history, operator versions and CSV import."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import build_world


@pytest.fixture
def client(app_client: TestClient, session: Session, clock: FrozenClock) -> TestClient:
    build_world(session, now=clock.now() - timedelta(days=30))
    session.commit()
    return app_client


def quote_ac(client: TestClient) -> dict:
    answer = client.post(
        "/api/quotes",
        headers=token(client, "home-a"),
        json={
            "items": [
                {"category": "air_conditioner", "works": False, "attributes": {"cooling_w": 3500}}
            ],
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_board_is_public_and_names_every_source(client: TestClient) -> None:
    board = client.get("/api/prices/board")
    assert board.status_code == 200
    body = board.json()
    assert body["region"] == "shenzhen"
    assert body["commodities"]
    assert all(c["source"] for c in body["commodities"])
    assert {r["category"] for r in body["references"]} >= {"tv_crt", "refrigerator", "laptop"}


def test_a_new_copper_price_raises_the_next_quote_and_old_quotes_keep_theirs(
    client: TestClient, clock: FrozenClock
) -> None:
    before = quote_ac(client)
    copper_line = next(
        ln for ln in before["lines"] if ln["kind"] == "material" and ln["key"] == "copper"
    )
    history = client.get("/api/prices", params={"kind": "commodity"}).json()
    copper = next(h for h in history if h["id"] == copper_line["price_input_id"])
    added = client.post(
        "/api/prices",
        headers=token(client, "operator"),
        json={
            "kind": "commodity",
            "key": copper["key"],
            "region": "shenzhen",
            "value": str(Decimal(copper["value"]) * 2),
            "effective_from": (clock.now() - timedelta(minutes=1)).isoformat(),
            "source": "operator test: Changjiang spot, doubled for the test",
        },
    )
    assert added.status_code == 201, added.text
    after = quote_ac(client)
    assert Decimal(after["net_fen_exact"]) > Decimal(before["net_fen_exact"])
    assert added.json()["id"] in after["price_input_ids"]
    again = client.get(f"/api/quotes/{before['id']}", headers=token(client, "home-a")).json()
    assert again["net_fen_exact"] == before["net_fen_exact"]  # a quote is binding
    versions = client.get("/api/prices", params={"key": copper["key"]}).json()
    assert len(versions) == 2  # history kept


def test_a_household_cannot_set_prices(client: TestClient, clock: FrozenClock) -> None:
    answer = client.post(
        "/api/prices",
        headers=token(client, "home-a"),
        json={
            "kind": "commodity",
            "key": "steel_scrap",
            "region": "shenzhen",
            "value": "9",
            "effective_from": clock.now().isoformat(),
            "source": "x",
        },
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "identity.missing_permission"


def test_csv_import_is_all_or_nothing(client: TestClient) -> None:
    op = token(client, "operator")
    count = len(client.get("/api/prices", params={"limit": 2000}).json())
    bad = (
        "kind,key,region,value,effective_from,source\n"
        "commodity,steel_scrap,shenzhen,2.05,2026-11-01,Mysteel weekly\n"
        "commodity,copper_motor_wire,shenzhen,-3,2026-11-01,oops\n"
    )
    answer = client.post("/api/prices/import", headers=op, json={"csv": bad})
    assert answer.status_code == 422
    assert "line 3" in answer.json()["message"]
    assert len(client.get("/api/prices", params={"limit": 2000}).json()) == count
    good = bad.replace("-3", "41.5")
    answer = client.post("/api/prices/import", headers=op, json={"csv": good})
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"imported": 2}


def test_the_index_starts_at_100(client: TestClient) -> None:
    series = client.get("/api/prices/index", params={"weeks": 4}).json()
    points = series["refrigerator"]
    assert points
    assert points[0]["index"] == "100"
