"""A payment the payer cannot afford fails the whole request: nothing else it did survives.

The services write the pickup's status and the unit tags (or the lot's sale) before
the ledger refuses the payment; the request's transaction must take all of it back.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import custody, exchange, ledger, orders
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import PASSWORD, World, book, build_world, listed_lot


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def available(session: Session, organisation_id: int) -> Money:
    return ledger.balance(session, ledger.Accounts.party(organisation_id))


def test_a_door_payment_the_collector_cannot_afford_leaves_the_pickup_untouched(
    session: Session, world: World, clock: FrozenClock, app_client: TestClient
) -> None:
    # 40 working air conditioners are worth more than the collector's ¥10,000 float.
    pickup = book(session, world.household_a, now=clock.now(), items={"air_conditioner": 40})
    assert pickup.quoted > Money(1_000_000)
    # Too much for one route's day (40 × 40 min at the door): the operator assigns it by hand.
    orders.assign_collector(
        session,
        actor=world.operator,
        pickup_id=pickup.id,
        collector_id=world.collector_a.organisation_id,
        collector_role="collector",
        now=clock.now(),
    )
    collector = world.collector_a.organisation_id
    before = available(session, collector)

    answer = app_client.post(
        f"/api/pickups/{pickup.id}/collect",
        json={"units": [{"category": "air_conditioner", "grams": 40_000}] * 40},
        headers=token(app_client, "col-a"),
    )

    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "ledger.insufficient_funds"
    session.expire_all()
    after = orders.get_pickup(session, actor=world.operator, pickup_id=pickup.id)
    assert (after.status, after.paid, after.collected_at) == ("assigned", None, None)
    assert custody.units_from_source(session, f"pickup:{pickup.id}") == []
    assert ledger.entries_for_source(session, f"pickup:{pickup.id}") == []
    assert available(session, collector) == before
    assert ledger.is_balanced(session)


def test_a_lot_the_plant_cannot_afford_stays_listed_without_a_buyer(
    session: Session, world: World, clock: FrozenClock, app_client: TestClient
) -> None:
    lot = listed_lot(session, world, now=clock.now(), price=Money(1_000_000_000))
    plant = world.plant_a.organisation_id
    before = available(session, plant)

    answer = app_client.post(f"/api/lots/{lot.id}/buy", headers=token(app_client, "plant-a"))

    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "ledger.insufficient_funds"
    session.expire_all()
    after = exchange.get_lot(session, actor=world.operator, lot_id=lot.id)
    assert (after.status, after.plant_id) == ("listed", None)
    assert ledger.balance(session, ledger.Accounts.ESCROW) == Money(0)
    assert available(session, plant) == before
