"""The overview shows how much of the custody log is covered by signed checkpoints."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import build_world, listed_lot


def test_the_overview_says_how_many_custody_events_are_signed(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    listed_lot(session, world, now=clock.now())
    status = custody.chain_status(session)
    assert (status.signed_seq, status.unsigned) == (0, status.head_seq)
    login_as(app_client, "operator", lang="en")
    page = app_client.get("/").text
    assert re.search(rf"0 of {status.head_seq}</span>custody events signed", page)
    signer = custody.Signer.from_seed(bytes(32))
    custody.sign_checkpoint(session, signer=signer, now=clock.now())
    session.flush()
    page = app_client.get("/").text
    assert f"{status.head_seq} of {status.head_seq}</span>custody events signed" in page
    assert custody.chain_status(session).unsigned == 0
