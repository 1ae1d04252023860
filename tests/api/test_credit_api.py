"""Credit scores over HTTP: a collector's own score explained factor by factor, with its
settlement terms, and its weekly history; the operator's list."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import credit
from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import build_world


def test_a_collector_reads_its_score_explained(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    credit.score_due_parties(session, now=clock.now() - timedelta(days=7), limit=100)
    credit.score_due_parties(session, now=clock.now(), limit=100)
    session.commit()
    me = world.collector_a.organisation_id
    headers = token(app_client, "col-a")
    answer = app_client.get(f"/api/credit/scores/{me}", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["score"] == sum(c["points"] for c in body["contributions"]) == 200
    assert [c["factor"] for c in body["contributions"]] == [f.value for f in credit.Factor]
    assert body["period"] == "2026-W48"
    assert body["terms"] == {
        "tier": "new",
        "release": "after_holding",
        "advance_limit": {"amount": "0.00", "currency": "CNY"},
        "holding_days": 7,
    }
    history = app_client.get(f"/api/credit/scores/{me}/history", headers=headers).json()
    assert [h["period"] for h in history] == ["2026-W48", "2026-W47"]
    listed = app_client.get("/api/credit/scores", headers=token(app_client, "operator"))
    assert len(listed.json()) == 4
    refused = app_client.get("/api/credit/scores", headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "identity.missing_permission")
