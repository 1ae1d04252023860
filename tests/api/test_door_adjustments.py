"""At the door the price changes only by itemised, photographed deductions the household
accepts; declining cancels the pickup free."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import dispatch, ledger
from ewaste.kernel.clock import FrozenClock
from ewaste.orders.rules import adjustment_outliers
from tests.api.helpers import token
from tests.factories import World, book, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    built = build_world(session, now=clock.now())
    session.commit()
    return built


def assigned_tv(session: Session, world: World, clock: FrozenClock) -> int:
    pickup = book(session, world.household_a, now=clock.now(), items={"tv_flat": 2})
    dispatch.assign_pickup(session, actor=world.operator, pickup_id=pickup.id, now=clock.now())
    session.commit()
    return pickup.id


def propose(client: TestClient, pickup_id: int, body: dict, who: str = "col-a"):
    return client.post(
        f"/api/pickups/{pickup_id}/adjustments", headers=token(client, who), json=body
    )


BROKEN = {"adjustments": [{"item": 0, "reason": "broken_screen", "photo_ref": "photo:1"}]}


def test_an_accepted_deduction_lowers_the_payment_by_exactly_its_amount(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    pickup_id = assigned_tv(session, world, clock)
    proposed = propose(app_client, pickup_id, BROKEN)
    assert proposed.status_code == 201, proposed.text
    body = proposed.json()
    assert body["pickup"]["status"] == "adjustment_proposed"
    deduction = Decimal(body["adjustments"][0]["amount"]["amount"])
    assert deduction > 0  # a broken screen takes the second-hand value away

    col = token(app_client, "col-a")
    units = {"units": [{"category": "tv_flat", "grams": 15_000}] * 2}
    blocked = app_client.post(f"/api/pickups/{pickup_id}/collect", headers=col, json=units)
    assert blocked.status_code == 409  # no collection before the household answers

    home = token(app_client, "home-a")
    seen = app_client.get(f"/api/pickups/{pickup_id}/adjustments", headers=home).json()
    assert [a["reason"] for a in seen] == ["broken_screen"]
    decided = app_client.post(
        f"/api/pickups/{pickup_id}/adjustments/decision", headers=home, json={"accept": True}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["pickup"]["status"] == "assigned"
    assert decided.json()["adjustments"][0]["decision"] == "accepted"

    collected = app_client.post(f"/api/pickups/{pickup_id}/collect", headers=col, json=units)
    assert collected.status_code == 200, collected.text
    pickup = collected.json()["pickup"]
    quoted, paid = Decimal(pickup["quoted"]["amount"]), Decimal(pickup["paid"]["amount"])
    assert paid == quoted - deduction
    assert Decimal(pickup["deductions"]["amount"]) == deduction
    lines = ledger.entries_for_source(session, f"pickup:{pickup_id}")
    assert {line.amount.as_decimal_string() for line in lines} == {str(paid)}


def test_a_declined_deduction_cancels_free_and_does_not_penalise_the_collector(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    pickup_id = assigned_tv(session, world, clock)
    assert propose(app_client, pickup_id, BROKEN).status_code == 201
    home = token(app_client, "home-a")
    declined = app_client.post(
        f"/api/pickups/{pickup_id}/adjustments/decision", headers=home, json={"accept": False}
    )
    assert declined.status_code == 200
    assert declined.json()["pickup"]["status"] == "cancelled"
    assert declined.json()["pickup"]["paid"] is None
    assert ledger.entries_for_source(session, f"pickup:{pickup_id}") == []
    rates = app_client.get("/api/reports/door-adjustments", headers=token(app_client, "operator"))
    assert rates.status_code == 200
    row = next(r for r in rates.json() if r["collector_id"] == world.collector_a.organisation_id)
    assert (row["pickups"], row["adjusted"], row["flagged"]) == (1, 1, False)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"adjustments": [{"item": 0, "reason": "broken_screen", "photo_ref": " "}]},
            "orders.invalid_adjustment",
        ),
        (
            {"adjustments": [{"item": 5, "reason": "broken_screen", "photo_ref": "p"}]},
            "orders.invalid_adjustment",
        ),
        (
            {"adjustments": [{"item": 0, "reason": "missing_compressor", "photo_ref": "p"}]},
            "catalog.invalid_condition",
        ),
        (
            {"adjustments": [{"item": 0, "reason": "broken_screen", "photo_ref": "p"}] * 3},
            "orders.invalid_adjustment",
        ),
        ({"adjustments": []}, "invalid_input"),
    ],
    ids=["no-photo", "no-such-item", "not-applicable", "more-than-units", "empty"],
)
def test_bad_proposals_are_refused_and_change_nothing(
    app_client: TestClient,
    session: Session,
    world: World,
    clock: FrozenClock,
    body: dict,
    code: str,
) -> None:
    pickup_id = assigned_tv(session, world, clock)
    answer = propose(app_client, pickup_id, body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code
    pickup = app_client.get(f"/api/pickups/{pickup_id}", headers=token(app_client, "operator"))
    assert pickup.json()["status"] == "assigned"


def test_only_the_assigned_collector_proposes_and_only_the_household_decides(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    pickup_id = assigned_tv(session, world, clock)
    assert propose(app_client, pickup_id, BROKEN, who="col-b").status_code == 404
    assert propose(app_client, pickup_id, BROKEN, who="home-a").status_code == 404
    assert propose(app_client, pickup_id, BROKEN).status_code == 201
    other = app_client.post(
        f"/api/pickups/{pickup_id}/adjustments/decision",
        headers=token(app_client, "home-b"),
        json={"accept": True},
    )
    assert other.status_code == 404


def test_a_collector_who_adjusts_far_more_often_than_peers_is_flagged() -> None:
    rates = {1: (20, 1), 2: (20, 2), 3: (20, 1), 4: (20, 12), 5: (3, 3)}
    assert adjustment_outliers(rates) == {4}
    assert adjustment_outliers({1: (10, 0), 2: (10, 0), 3: (10, 3)}) == {3}
    assert adjustment_outliers({1: (2, 2)}) == set()
