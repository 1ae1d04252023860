"""GET /api/custody/verify and /api/custody/public-key: what a regulator checks with."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import build_world, listed_lot


def test_a_regulator_sees_the_chain_intact_then_the_first_tampered_event(
    app_client: TestClient, session: Session, connection: Connection, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    listed_lot(session, world, now=clock.now())
    published = app_client.get("/api/custody/public-key").json()
    assert published["algorithm"] == "Ed25519"
    key = custody.PublicKey.from_base64(published["public_key"])
    assert key.key_id == published["key_id"]
    signer = custody.load_signer("", env="test")  # the settings' development key
    assert signer.public_key == key
    custody.sign_checkpoint(session, signer=signer, now=clock.now())
    session.flush()
    headers = token(app_client, "reg")
    intact = app_client.get("/api/custody/verify", headers=headers).json()
    head = custody.chain_status(session).head_seq
    assert intact["intact"] is True
    assert (intact["events"], intact["checkpoints"], intact["fault"]) == (head, 1, None)

    if connection.dialect.name == "postgresql":  # an attacker with database access
        session.execute(text("ALTER TABLE custody_event DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER custody_event_no_update"))
    session.execute(text("UPDATE custody_event SET ref = 'forged' WHERE chain_seq = 2"))
    tampered = app_client.get("/api/custody/verify", headers=headers).json()
    assert tampered["intact"] is False
    assert tampered["events"] == 1
    fault = tampered["fault"]
    assert (fault["reason"], fault["chain_seq"]) == ("hash_mismatch", 2)
    assert fault["message"].startswith("hash_mismatch at sequence 2")
