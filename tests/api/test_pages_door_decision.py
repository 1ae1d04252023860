"""Pages: the household accepts or declines the deductions a collector proposes at the door."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import dispatch, orders
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import format_money
from tests.api.test_pages_auth import login_as
from tests.factories import World, book, build_world, collector_of


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def _proposed(session: Session, world: World, clock: FrozenClock) -> orders.AdjustmentView:
    pickup = book(session, world.household_a, now=clock.now())
    assigned = dispatch.assign_pickup(
        session, actor=world.operator, pickup_id=pickup.id, now=clock.now()
    )
    _view, [adjustment] = orders.propose_adjustments(
        session,
        actor=collector_of(world, assigned.collector_id),
        pickup_id=pickup.id,
        adjustments=[orders.AdjustmentRequest(0, "broken_screen", "photo:1")],
        now=clock.now(),
    )
    session.commit()
    return adjustment


def _pickup(session: Session, world: World) -> orders.PickupView:
    [pickup] = orders.pickups_for(session, actor=world.household_a)
    return pickup


def test_the_household_sees_the_deduction_and_accepts_it(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    adjustment = _proposed(session, world, clock)
    pickup = _pickup(session, world)
    token = login_as(app_client, "home-a")
    page = app_client.get("/").text
    assert f'id="decide-{pickup.id}"' in page
    assert f'id="adjustment-{adjustment.id}"' in page
    assert "屏幕破损（无二手价值）" in page
    assert "photo:1" in page
    assert format_money(adjustment.amount, "zh_CN") in page
    assert format_money(pickup.quoted - adjustment.amount, "zh_CN") in page
    assert "拒绝后上门回收将免费取消" in page

    answer = app_client.post(
        f"/pickups/{pickup.id}/adjustments/accept",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/#pickup-{pickup.id}"
    after = _pickup(session, world)
    assert after.status == "assigned"
    assert after.deductions == adjustment.amount
    page = app_client.get("/").text
    assert f'id="decide-{pickup.id}"' not in page
    assert "上门扣减" in page
    assert format_money(adjustment.amount, "zh_CN") in page


def test_the_household_declines_and_the_pickup_is_cancelled(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    _proposed(session, world, clock)
    pickup = _pickup(session, world)
    token = login_as(app_client, "home-a", lang="en")
    page = app_client.get("/").text
    assert "broken screen (no second-hand value)" in page
    assert "Decline and cancel the pickup free" in page
    answer = app_client.post(
        f"/pickups/{pickup.id}/adjustments/decline",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    after = _pickup(session, world)
    assert after.status == "cancelled"
    assert after.deductions.minor == 0


def test_deciding_twice_is_refused_beside_the_pickup(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    _proposed(session, world, clock)
    pickup = _pickup(session, world)
    token = login_as(app_client, "home-a")
    url = f"/pickups/{pickup.id}/adjustments/accept"
    assert (
        app_client.post(url, data={"csrf_token": token}, follow_redirects=False).status_code == 303
    )
    answer = app_client.post(
        f"/pickups/{pickup.id}/adjustments/decline", data={"csrf_token": token}
    )
    assert answer.status_code == 409, answer.text
    assert 'role="alert"' in answer.text
    assert _pickup(session, world).status == "assigned"


def test_another_household_cannot_decide(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    _proposed(session, world, clock)
    pickup = _pickup(session, world)
    token = login_as(app_client, "home-b")
    answer = app_client.post(f"/pickups/{pickup.id}/adjustments/accept", data={"csrf_token": token})
    assert answer.status_code == 404, answer.text
    assert _pickup(session, world).status == "adjustment_proposed"
