"""The quote routes write their JSON straight from the read model (docs/adr/0010): that
JSON must be exactly what the documented response model, QuoteOut, would produce."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from ewaste.web.api.quotes import QuoteOut
from tests.api.helpers import token
from tests.factories import build_world

ITEMS = [
    {"category": "air_conditioner", "works": False, "attributes": {"cooling_w": 3500}},
    {"category": "tv_flat", "quantity": 2, "conditions": ["broken_screen"], "producer": "TCL"},
    {"category": "mobile_phone", "works": True},
]


@pytest.fixture
def client(app_client: TestClient, session: Session, clock: FrozenClock) -> TestClient:
    build_world(session, now=clock.now() - timedelta(days=30))
    session.commit()
    return app_client


def test_the_quote_json_is_what_the_response_model_would_write(client: TestClient) -> None:
    headers = token(client, "home-a")
    created = client.post("/api/quotes", headers=headers, json={"items": ITEMS})
    assert created.status_code == 201, created.text
    fetched = client.get(f"/api/quotes/{created.json()['id']}", headers=headers)
    assert fetched.status_code == 200
    for answer in (created, fetched):
        assert answer.headers["content-type"] == "application/json"
        body = json.loads(answer.content)
        as_model = QuoteOut.model_validate(body)
        assert json.loads(as_model.model_dump_json()) == body
        assert set(body) == set(QuoteOut.model_fields)
        assert all(
            set(line) == set(QuoteOut.model_fields["lines"].annotation.__args__[0].model_fields)
            for line in body["lines"]
        )  # type: ignore[union-attr]
        assert body["created_at"].endswith("Z")
    assert created.json() == fetched.json()


def test_the_openapi_document_still_describes_quote_out(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    answer = spec["paths"]["/api/quotes"]["post"]["responses"]["201"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/QuoteOut"
    }
