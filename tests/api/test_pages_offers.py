"""Offers as pages: the operator offers a waiting pickup; the collector sees the offer
(window, load, extra km; no address yet), accepts it, and it becomes a job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import dispatch
from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import World, book, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def test_an_offer_made_on_the_operators_page_is_accepted_on_the_collectors(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    pickup = book(
        session,
        world.household_a,
        now=clock.now(),
        starts=clock.now() + timedelta(hours=2),
        address="福田区 邀请 1 号",
    )
    session.commit()

    token = login_as(app_client, "operator")
    offered = app_client.post(
        f"/pickups/{pickup.id}/offer", data={"csrf_token": token}, follow_redirects=False
    )
    assert offered.status_code == 303, offered.text
    offers = dispatch.open_offers(session, actor=world.operator)
    mine = next(o for o in offers if o.collector_id == world.collector_a.organisation_id)

    app_client.cookies.clear()
    token = login_as(app_client, "col-a")
    home = app_client.get("/")
    assert f'id="offer-{mine.id}"' in home.text
    assert "福田区 邀请 1 号" not in home.text  # no address before the pickup is mine
    taken = app_client.post(
        f"/offers/{mine.id}/accept", data={"csrf_token": token}, follow_redirects=False
    )
    assert taken.status_code == 303, taken.text
    assert taken.headers["location"] == f"/#job-{pickup.id}"
    after = app_client.get("/")
    assert f'id="job-{pickup.id}"' in after.text
    assert "福田区 邀请 1 号" in after.text
    assert f'id="offer-{mine.id}"' not in after.text

    again = app_client.post(f"/offers/{mine.id}/accept", data={"csrf_token": token})
    assert again.status_code == 409
