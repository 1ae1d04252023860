"""POST /api/custody/events/{id}/corrections and GET /api/custody/keys (issue 7, point 2)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import book, build_world, collect


def test_a_collector_corrects_its_event_and_the_trace_and_verify_show_it(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    done = collect(
        session, world, book(session, world.household_a, now=clock.now()), now=clock.now()
    )
    code = done.unit_codes[0]
    signer = custody.load_signer("", env="test")  # the settings' development key
    custody.sign_checkpoint(session, signer=signer, now=clock.now())
    session.flush()
    collector, regulator = token(app_client, "col-a"), token(app_client, "reg")
    trace = app_client.get(f"/api/units/{code}/trace", headers=regulator).json()
    original = trace["steps"][0]
    before = session.execute(
        text("SELECT * FROM custody_event WHERE id = :id"), {"id": original["event_id"]}
    ).one()

    answer = app_client.post(
        f"/api/custody/events/{original['event_id']}/corrections",
        json={"reason": "scale not zeroed", "grams": 6_500, "evidence": "photo:7"},
        headers=collector,
    )
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert (made["corrects_id"], made["grams"], made["reason"]) == (
        original["event_id"],
        6_500,
        "scale not zeroed",
    )
    after = session.execute(
        text("SELECT * FROM custody_event WHERE id = :id"), {"id": original["event_id"]}
    ).one()
    assert tuple(after) == tuple(before)  # the original, byte for byte

    step = app_client.get(f"/api/units/{code}/trace", headers=regulator).json()["steps"][0]
    assert (step["event_id"], step["grams"], step["reason"]) == (
        made["event_id"],
        6_500,
        "scale not zeroed",
    )
    assert step["corrects_chain_seq"] == original["chain_seq"]

    verified = app_client.get("/api/custody/verify", headers=regulator).json()
    assert verified["intact"] is True
    assert verified["last_chain_seq"] == made["chain_seq"]
    assert verified["keys"] == [
        {
            "key_id": signer.public_key.key_id,
            "status": "current",
            "public_key": signer.public_key.base64,
            "checkpoints": 1,
            "activated_at": None,
            "revoked_at": None,
        }
    ]
    published = app_client.get("/api/custody/keys").json()
    assert published["current"] == signer.public_key.key_id
    assert [k["public_key"] for k in published["keys"]] == [signer.public_key.base64]


def test_a_correction_needs_a_reason_and_a_change_and_a_refusal_writes_nothing(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    done = collect(
        session, world, book(session, world.household_a, now=clock.now()), now=clock.now()
    )
    headers = token(app_client, "col-a")
    event_id = app_client.get(
        f"/api/units/{done.unit_codes[0]}/trace", headers=token(app_client, "reg")
    ).json()["steps"][0]["event_id"]
    count = session.execute(text("SELECT count(*) FROM custody_event")).scalar_one()
    url = f"/api/custody/events/{event_id}/corrections"
    for body, status, code in (
        ({"grams": 1}, 422, "invalid_input"),
        ({"reason": "", "grams": 1}, 422, "invalid_input"),
        ({"reason": "why"}, 422, "invalid_input"),
        ({"reason": "why", "grams": 1, "unit_id": 3}, 422, "invalid_input"),
    ):
        answer = app_client.post(url, json=body, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    other = app_client.post(
        url, json={"reason": "why", "grams": 1}, headers=token(app_client, "col-b")
    )
    assert (other.status_code, other.json()["code"]) == (404, "custody.event_not_found")
    assert session.execute(text("SELECT count(*) FROM custody_event")).scalar_one() == count
