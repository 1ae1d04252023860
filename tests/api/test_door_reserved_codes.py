"""Door collection with reserved codes: a collector who stuck a label from its own code
block on an item gives that code when collecting (API and collector page); a code not
reserved by its organisation, already used, or outside its block's validity is refused
with a stable code and nothing is collected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import custody, ledger, orders
from ewaste.custody.rules import RESERVATION_DAYS
from ewaste.identity import Actor
from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.api.test_pages_auth import login_as
from tests.factories import World, assign_to, book, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def _job(session: Session, world: World, clock: FrozenClock, items: dict[str, int]) -> int:
    """A pickup of `items` for household a, assigned to collector a."""
    pickup = book(session, world.household_a, now=clock.now(), items=items)
    assign_to(session, world, pickup.id, world.collector_a, now=clock.now())
    return pickup.id


def _codes(session: Session, actor: Actor, clock: FrozenClock, count: int = 2) -> list[str]:
    block = custody.reserve_unit_codes(session, actor=actor, count=count, now=clock.now())
    session.flush()
    return list(block.codes)


def _units(*codes: str | None) -> list[dict[str, object]]:
    return [
        {"category": "tv_flat", "grams": 12_000, **({"code": c} if c is not None else {})}
        for c in codes
    ]


def _nothing_collected(session: Session, world: World, pickup_id: int) -> None:
    assert orders.get_pickup(session, actor=world.operator, pickup_id=pickup_id).status == (
        "assigned"
    )
    assert custody.units_of_household(session, world.household_a.organisation_id) == []
    assert (
        ledger.balance(session, ledger.Accounts.party(world.household_a.organisation_id)).minor == 0
    )


def test_a_reserved_code_tags_the_unit_and_the_other_unit_gets_a_new_code(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    pickup_id = _job(session, world, clock, {"tv_flat": 2})
    reserved, _ = _codes(session, world.collector_a, clock)
    session.flush()
    answer = app_client.post(
        f"/api/pickups/{pickup_id}/collect",
        headers=token(app_client, "col-a"),
        json={"units": _units(reserved.lower(), None)},
    )
    assert answer.status_code == 200, answer.text
    codes = answer.json()["unit_codes"]
    assert codes[0] == reserved  # given in lower case, stored as reserved
    assert codes[1] != reserved
    [block] = custody.code_blocks(session, actor=world.collector_a)
    assert block.used == 1


@pytest.mark.parametrize(
    ("whose", "status", "code"),
    [
        ("collector_b", 422, "custody.code_not_reserved"),
        ("never", 422, "custody.code_not_reserved"),
        ("malformed", 422, "custody.invalid_unit_code"),
    ],
)
def test_a_code_not_reserved_by_this_collector_is_refused(
    app_client: TestClient,
    world: World,
    session: Session,
    clock: FrozenClock,
    whose: str,
    status: int,
    code: str,
) -> None:
    pickup_id = _job(session, world, clock, {"tv_flat": 1})
    other = _codes(session, world.collector_b, clock)[0]
    mine = _codes(session, world.collector_a, clock)[0]
    given = {
        "collector_b": other,
        "never": mine[:-2] + ("AA" if not mine.endswith("AA") else "BB"),
        "malformed": "not a code!",
    }[whose]
    session.flush()
    answer = app_client.post(
        f"/api/pickups/{pickup_id}/collect",
        headers=token(app_client, "col-a"),
        json={"units": _units(given)},
    )
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] in {code, "custody.invalid_unit_code"}
    _nothing_collected(session, world, pickup_id)


def test_a_code_already_used_is_refused_with_409(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    first = _job(session, world, clock, {"tv_flat": 1})
    second = _job(session, world, clock, {"tv_flat": 1})
    reserved = _codes(session, world.collector_a, clock)[0]
    session.flush()
    headers = token(app_client, "col-a")
    done = app_client.post(
        f"/api/pickups/{first}/collect", headers=headers, json={"units": _units(reserved)}
    )
    assert done.status_code == 200, done.text
    before = custody.units_of_household(session, world.household_a.organisation_id)
    again = app_client.post(
        f"/api/pickups/{second}/collect", headers=headers, json={"units": _units(reserved)}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "custody.unit_code_used"
    assert reserved in again.json()["message"]
    assert orders.get_pickup(session, actor=world.operator, pickup_id=second).status == "assigned"
    assert custody.units_of_household(session, world.household_a.organisation_id) == before


def test_the_same_code_twice_in_one_collection_is_refused(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    pickup_id = _job(session, world, clock, {"tv_flat": 2})
    reserved = _codes(session, world.collector_a, clock)[0]
    session.flush()
    answer = app_client.post(
        f"/api/pickups/{pickup_id}/collect",
        headers=token(app_client, "col-a"),
        json={"units": _units(reserved, reserved)},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "custody.unit_code_used"
    _nothing_collected(session, world, pickup_id)


def test_a_code_of_an_expired_block_is_refused_with_409(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    pickup_id = _job(session, world, clock, {"tv_flat": 1})
    block = custody.reserve_unit_codes(
        session,
        actor=world.collector_a,
        count=1,
        now=clock.now() - timedelta(days=RESERVATION_DAYS, minutes=1),
    )
    session.flush()
    answer = app_client.post(
        f"/api/pickups/{pickup_id}/collect",
        headers=token(app_client, "col-a"),
        json={"units": _units(block.codes[0])},
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "custody.code_reservation_expired"
    _nothing_collected(session, world, pickup_id)


def test_an_empty_code_is_refused_by_the_schema(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    pickup_id = _job(session, world, clock, {"tv_flat": 1})
    session.flush()
    answer = app_client.post(
        f"/api/pickups/{pickup_id}/collect",
        headers=token(app_client, "col-a"),
        json={"units": _units("")},
    )
    assert answer.status_code == 422
    _nothing_collected(session, world, pickup_id)


class TestCollectorPage:
    def test_the_form_takes_a_reserved_code_per_unit(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        pickup_id = _job(session, world, clock, {"tv_flat": 2})
        reserved = _codes(session, world.collector_a, clock)[0]
        session.flush()
        csrf = login_as(app_client, "col-a", lang="en")
        page = app_client.get("/").text
        assert page.count('name="unit_code"') == 2
        assert "Reserved label code (optional)" in page
        answer = app_client.post(
            f"/pickups/{pickup_id}/collect",
            data={
                "csrf_token": csrf,
                "category": ["tv_flat", "tv_flat"],
                "kg": ["12", "11.5"],
                "unit_code": ["", f" {reserved} "],
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        units = custody.units_held_by(session, world.collector_a.organisation_id)
        by_code = {u.code: u.door_grams for u in units}
        assert by_code[reserved] == 11_500
        assert len(by_code) == 2

    @pytest.mark.parametrize(("lang", "message"), [("zh_CN", "不是"), ("en", "is not reserved")])
    def test_a_code_not_reserved_is_shown_beside_the_form(
        self,
        app_client: TestClient,
        world: World,
        session: Session,
        clock: FrozenClock,
        lang: str,
        message: str,
    ) -> None:
        pickup_id = _job(session, world, clock, {"tv_flat": 1})
        other = _codes(session, world.collector_b, clock)[0]
        session.flush()
        csrf = login_as(app_client, "col-a", lang=lang)
        answer = app_client.post(
            f"/pickups/{pickup_id}/collect",
            data={"csrf_token": csrf, "category": "tv_flat", "kg": "12", "unit_code": other},
        )
        assert answer.status_code == 422
        assert message in answer.text
        assert other in answer.text
        assert f'value="{other}"' in answer.text  # the typed code is shown again
        _nothing_collected(session, world, pickup_id)
