"""Over HTTP: reception with evidence, the discrepancy as the plant and the station see it,
the operator's decision (API and page), market data, and lot photos on the board."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import exchange, ledger
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.api.helpers import token
from tests.api.test_pages_auth import csrf_from, login_as
from tests.factories import World, build_world
from tests.integration.exchange.helpers import units_at_station


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def _shipped_lot(
    client: TestClient, session: Session, world: World, clock: FrozenClock
) -> dict[str, Any]:
    codes = units_at_station(session, world, now=clock.now(), count=2)
    session.flush()
    station, plant = token(client, "sta-a"), token(client, "plant-a")
    made = client.post(
        "/api/lots",
        json={
            "unit_codes": codes,
            "price": {"amount": "480.00", "currency": "CNY"},
            "photos": ["photo:2026/11/24/lot-a.jpg", "photo:2026/11/24/lot-b.jpg"],
        },
        headers=station,
    )
    assert made.status_code == 201, made.text
    assert made.json()["photos"] == ["photo:2026/11/24/lot-a.jpg", "photo:2026/11/24/lot-b.jpg"]
    lot_id = made.json()["id"]
    assert client.post(f"/api/lots/{lot_id}/buy", headers=plant).status_code == 200
    assert client.post(f"/api/lots/{lot_id}/ship", headers=station).status_code == 200
    lot: dict[str, Any] = made.json()
    return lot


def test_an_operator_decides_over_the_api_and_the_parties_see_it(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    lot = _shipped_lot(app_client, session, world, clock)
    plant, station, ops = (token(app_client, u) for u in ("plant-a", "sta-a", "operator"))
    received = app_client.post(
        f"/api/lots/{lot['id']}/receive",
        json={
            "unit_codes": lot["unit_codes"],
            "load_grams": lot["grams"] * 2,
            "evidence": ["photo:dock/7.jpg", "ticket:wb-1"],
        },
        headers=plant,
    )
    assert received.status_code == 200, received.text
    assert received.json()["status"] == "disputed"
    seen = app_client.get(f"/api/lots/{lot['id']}/discrepancy", headers=station).json()
    assert seen["kinds"] == ["weight"]
    assert seen["evidence"] == ["photo:dock/7.jpg", "ticket:wb-1"]
    assert seen["status"] == "open"
    refused = app_client.post(
        f"/api/lots/{lot['id']}/discrepancy/decision",
        json={"adjusted_price": {"amount": "500.00", "currency": "CNY"}, "reason": "x"},
        headers=ops,
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "exchange.invalid_adjusted_price"
    escrow_before = ledger.balance(session, ledger.Accounts.ESCROW)
    decided = app_client.post(
        f"/api/lots/{lot['id']}/discrepancy/decision",
        json={"adjusted_price": {"amount": "450.00", "currency": "CNY"}, "reason": "wet load"},
        headers=ops,
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["status"], body["decided_by"]) == ("decided", "operator")
    assert body["adjusted_price"] == {"amount": "450.00", "currency": "CNY"}
    assert [h["event"] for h in body["history"]] == ["open", "decide_by_operator"]
    assert ledger.balance(session, ledger.Accounts.ESCROW) == escrow_before - Money(480_00)
    again = app_client.post(
        f"/api/lots/{lot['id']}/discrepancy/decision",
        json={"adjusted_price": {"amount": "1.00", "currency": "CNY"}, "reason": "again"},
        headers=ops,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "exchange.illegal_discrepancy_transition"
    listed = app_client.get("/api/discrepancies", headers=plant).json()
    assert [d["lot_id"] for d in listed] == [lot["id"]]
    assert app_client.get("/api/discrepancies", headers=token(app_client, "plant-b")).json() == []


@pytest.mark.parametrize(
    ("lang", "heading", "decide"),
    [
        ("zh_CN", "收货差异", "裁定并结算托管款"),
        ("en", "Reception discrepancies", "Decide and settle escrow"),
    ],
)
def test_the_operator_decides_on_the_page(
    app_client: TestClient,
    session: Session,
    world: World,
    clock: FrozenClock,
    lang: str,
    heading: str,
    decide: str,
) -> None:
    lot = _shipped_lot(app_client, session, world, clock)
    exchange.receive_lot(
        session,
        actor=world.plant_a,
        lot_id=lot["id"],
        unit_codes=lot["unit_codes"],
        load_grams=1,
        now=clock.now(),
        tolerance_basis_points=300,
        fee_basis_points=200,
    )
    session.flush()
    login_as(app_client, "operator", lang=lang)
    page = app_client.get("/discrepancies")
    assert page.status_code == 200
    assert heading in page.text
    assert decide in page.text
    bad = app_client.post(
        f"/discrepancies/{lot['id']}/decision",
        data={"adjusted_price": "999", "reason": "x", "csrf_token": csrf_from(page.text)},
    )
    assert bad.status_code == 422
    done = app_client.post(
        f"/discrepancies/{lot['id']}/decision",
        data={"adjusted_price": "400", "reason": "light load", "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = app_client.get("/discrepancies").text
    assert f'id="decision-{lot["id"]}"' in after
    assert "light load" in after
    # A stale form (decided meanwhile) and an unknown lot are refused with a message.
    for lot_id, status in ((lot["id"], 409), (99999, 404)):
        stale = app_client.post(
            f"/discrepancies/{lot_id}/decision",
            data={"adjusted_price": "300", "reason": "again", "csrf_token": csrf_from(page.text)},
        )
        assert stale.status_code == status
        assert 'role="alert"' in stale.text


def test_the_station_sees_its_discrepancy_without_a_decision_form(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    lot = _shipped_lot(app_client, session, world, clock)
    exchange.receive_lot(
        session,
        actor=world.plant_a,
        lot_id=lot["id"],
        unit_codes=lot["unit_codes"],
        load_grams=1,
        now=clock.now(),
        tolerance_basis_points=300,
        fee_basis_points=200,
    )
    session.flush()
    login_as(app_client, "sta-a", lang="en")
    page = app_client.get("/discrepancies").text
    assert f'id="lot-{lot["id"]}"' in page
    assert "Awaiting an operator" in page
    assert "Decide and settle escrow" not in page
    login_as(app_client, "sta-b", lang="en")
    assert f'id="lot-{lot["id"]}"' not in app_client.get("/discrepancies").text


def test_the_plant_receives_a_missing_unit_that_turned_up_on_the_page(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    lot = _shipped_lot(app_client, session, world, clock)
    arrived, lost = lot["unit_codes"]
    exchange.receive_lot(  # one of two missing: decided at once by the rule
        session,
        actor=world.plant_a,
        lot_id=lot["id"],
        unit_codes=[arrived],
        load_grams=exchange.lots_for(session, actor=world.plant_a)[0].grams // 2,
        now=clock.now(),
        tolerance_basis_points=10_000,
        fee_basis_points=200,
    )
    session.commit()
    login_as(app_client, "plant-a")
    page = app_client.get("/discrepancies").text
    assert f'action="/discrepancies/{lot["id"]}/found"' in page
    assert "缺失的物品找到了" in page
    wrong = app_client.post(
        f"/discrepancies/{lot['id']}/found",
        data={"unit_code": arrived, "csrf_token": csrf_from(page)},
    )
    assert wrong.status_code == 409
    assert f"物品 {arrived} 不是批次 {lot['id']} 的缺失物品。" in wrong.text
    done = app_client.post(
        f"/discrepancies/{lot['id']}/found",
        data={"unit_code": lost, "csrf_token": csrf_from(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = app_client.get("/discrepancies").text
    assert f'id="found-{lot["id"]}"' in after
    assert lost in after
    assert "¥240.00" in after
    assert f'action="/discrepancies/{lot["id"]}/found"' not in after  # nothing left missing
    # The station sees what was found, without the form.
    login_as(app_client, "sta-a")
    seen = app_client.get("/discrepancies").text
    assert f'id="found-{lot["id"]}"' in seen
    assert '/found"' not in seen


def test_the_station_takes_back_a_unit_it_never_loaded_on_the_page(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    lot = _shipped_lot(app_client, session, world, clock)
    arrived, left_home = lot["unit_codes"]
    exchange.receive_lot(  # one of two missing: decided at once by the rule
        session,
        actor=world.plant_a,
        lot_id=lot["id"],
        unit_codes=[arrived],
        load_grams=exchange.lots_for(session, actor=world.plant_a)[0].grams // 2,
        now=clock.now(),
        tolerance_basis_points=10_000,
        fee_basis_points=200,
    )
    session.commit()
    station = world.station_a.organisation_id
    before = ledger.balance(session, ledger.Accounts.party_pending(station))
    login_as(app_client, "sta-a")
    page = app_client.get("/discrepancies").text
    form = f'action="/discrepancies/{lot["id"]}/found-at-station"'
    assert form in page
    assert "缺失的物品其实还在回收站" in page
    wrong = app_client.post(
        f"/discrepancies/{lot['id']}/found-at-station",
        data={"unit_code": arrived, "csrf_token": csrf_from(page)},
    )
    assert wrong.status_code == 409
    assert f"物品 {arrived} 不是批次 {lot['id']} 的缺失物品。" in wrong.text
    done = app_client.post(
        f"/discrepancies/{lot['id']}/found-at-station",
        data={"unit_code": left_home, "csrf_token": csrf_from(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = app_client.get("/discrepancies").text
    assert f'id="found-{lot["id"]}"' in after
    assert "在回收站找到" in after
    assert left_home in after
    assert form not in after  # nothing left missing
    assert ledger.balance(session, ledger.Accounts.party_pending(station)) == before
    # Back in stock: the station may list it again.
    again = app_client.post(
        "/api/lots",
        json={"unit_codes": [left_home], "price": {"amount": "200.00", "currency": "CNY"}},
        headers=token(app_client, "sta-a"),
    )
    assert again.status_code == 201, again.text
    # The plant sees where it was found and has nothing left to receive.
    login_as(app_client, "plant-a", lang="en")
    seen = app_client.get("/discrepancies").text
    assert "Found back at the station" in seen
    assert f'action="/discrepancies/{lot["id"]}/found"' not in seen
    api = app_client.get(
        f"/api/lots/{lot['id']}/discrepancy", headers=token(app_client, "plant-a")
    ).json()
    assert [(f["unit_code"], f["place"], f["paid"]["amount"]) for f in api["found_units"]] == [
        (left_home, "station", "0.00")
    ]
    assert api["still_missing_codes"] == []


def test_market_data_and_photos_on_the_board(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    lot = _shipped_lot(app_client, session, world, clock)
    codes = units_at_station(session, world, now=clock.now(), count=1)
    exchange.create_lot(
        session,
        actor=world.station_a,
        unit_codes=codes,
        price=Money(100_00),
        now=clock.now(),
        photos=["photo:listed/1.jpg"],
    )
    session.flush()
    data = app_client.get("/api/market/data?weeks=2", headers=token(app_client, "sta-a")).json()
    assert len(data["weeks"]) == 2
    [price] = data["prices"]
    assert (price["category"], price["contracts"], price["units"]) == ("tv_flat", 1, 2)
    assert price["per_unit"] == {"amount": "240.00", "currency": "CNY"}
    assert price["region"] != "-"
    tv = next(c for c in data["capacity"] if c["category"] == "tv_flat")
    assert tv["contracted_units"] == 2
    assert tv["licensed_units"] > 0
    assert (
        app_client.get("/api/market/data", headers=token(app_client, "home-a")).status_code == 403
    )
    assert (
        app_client.get("/api/market/data?weeks=27", headers=token(app_client, "sta-a")).status_code
        == 422
    )
    login_as(app_client, "plant-b", lang="zh_CN")
    page = app_client.get("/market").text
    assert "成交价格" in page
    assert "产能利用率" in page
    assert "photo:listed/1.jpg" in page
    assert lot["id"] > 0
