"""Over HTTP: a station sees its settlement terms, its advance and its recovery balance after
a bad advance; an operator sees any seller's; the money page shows the section."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.api.helpers import token
from tests.api.test_pages_auth import login_as
from tests.factories import build_world
from tests.integration.settlement.helpers import buy, decide, listed, score, ship_and_receive


def test_a_station_and_an_operator_read_the_settlement_after_a_bad_advance(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    station_id = world.station_a.organisation_id
    score(session, station_id, 800, at=now)
    lot_id = listed(session, world, now, price=Money(480_00))
    buy(session, world, lot_id, now)
    ship_and_receive(session, world, lot_id, now, weighed=False)
    decide(session, world, lot_id, now, price=Money(300_00))
    session.flush()

    mine = app_client.get("/api/settlement/me", headers=token(app_client, "sta-a"))
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["terms"]["tier"] == "top"
    assert body["score"] == 800
    assert body["owed"] == {"amount": "176.40", "currency": "CNY"}
    assert body["outstanding_advances"] == {"amount": "0.00", "currency": "CNY"}
    (sale,) = [s for s in body["recent"] if s["source"] == f"lot:{lot_id}"]
    assert sale["advanced"]["amount"] == "470.40"
    assert sale["shortfall"]["amount"] == "176.40"
    assert sale["status"] == "settled"

    ops = token(app_client, "operator")
    staff = app_client.get(f"/api/settlement/sellers/{station_id}", headers=ops)
    assert staff.status_code == 200
    assert staff.json()["owed"] == body["owed"]
    missing = app_client.get("/api/settlement/sellers/999999", headers=ops)
    assert missing.status_code == 404
    assert missing.json()["code"] == "settlement.seller_not_found"


def test_the_money_page_shows_the_settlement_section_to_a_station(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id = listed(session, world, now, price=Money(480_00))
    buy(session, world, lot_id, now)
    ship_and_receive(session, world, lot_id, now)
    session.flush()
    login_as(app_client, "sta-a")
    page = app_client.get("/money")
    assert page.status_code == 200
    assert 'id="settlement"' in page.text
    assert "release-" in page.text
    assert "470.40" in page.text
    login_as(app_client, "plant-a")
    assert 'id="settlement"' not in app_client.get("/money").text
