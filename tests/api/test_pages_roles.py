"""Pages: every role's home in both languages, and the whole chain driven through the forms."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import compliance, custody, dispatch, exchange, orders
from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import World, book, build_world, collect, listed_lot


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def switch_to(client: TestClient, username: str, *, lang: str | None = None) -> str:
    """Drop the current session and log in as `username`; return the page's CSRF token."""
    client.cookies.clear()
    return login_as(client, username, lang=lang)


HOME_HEADINGS = {
    "home-a": ("我的回收", "My recycling"),
    "col-a": ("我的任务", "My jobs"),
    "sta-a": ("回收站", "Station"),
    "plant-a": ("拆解企业", "Dismantling plant"),
    "operator": ("平台总览", "Platform overview"),
    "reg": ("平台总览", "Platform overview"),
    "prod": ("欢迎", "Welcome"),
}


@pytest.mark.parametrize("username", sorted(HOME_HEADINGS))
@pytest.mark.parametrize(("lang", "index"), [("zh_CN", 0), ("en", 1)])
def test_each_roles_home_renders_in_both_languages(
    app_client: TestClient, world: World, username: str, lang: str, index: int
) -> None:
    login_as(app_client, username, lang=lang)
    page = app_client.get("/")
    assert page.status_code == 200
    assert f"<h1>{HOME_HEADINGS[username][index]}</h1>" in page.text
    assert username in page.text  # the header names the user
    assert 'action="/logout"' in page.text
    switch = "/lang/en?next=/" if lang == "zh_CN" else "/lang/zh_CN?next=/"
    assert switch in page.text
    # Nothing is loaded from another site: every link and resource is local.
    assert all(
        url.startswith(("/", "#", "tel:"))
        for url in re.findall(r'(?:src|href)="([^"]*)"', page.text)
    )


def test_the_stylesheet_is_served(app_client: TestClient) -> None:
    answer = app_client.get("/static/style.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")


def test_the_operator_sees_waiting_pickups_and_the_regulator_does_not(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    pickup = book(session, world.household_a, now=clock.now())
    login_as(app_client, "operator")
    assert f'action="/pickups/{pickup.id}/assign"' in app_client.get("/").text
    switch_to(app_client, "reg")
    page = app_client.get("/").text
    assert "/assign" not in page
    assert "账本平衡" in page


def test_the_overview_shows_volumes_money_and_integrity(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    listed_lot(session, world, now=clock.now())
    login_as(app_client, "reg", lang="en")
    page = app_client.get("/").text
    assert "Flat" in page or "TV" in page
    assert "Escrow" in page or "Party balances" in page
    assert "ledger balanced" in page
    assert re.search(r"0 of 1\b", page), "one unit, its chain not yet complete"


def test_a_role_cannot_use_another_roles_form(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    pickup = book(session, world.household_a, now=clock.now())
    token = login_as(app_client, "home-a")
    answer = app_client.post(f"/pickups/{pickup.id}/assign", data={"csrf_token": token})
    assert answer.status_code == 403
    assert "无权" in answer.text
    [still] = orders.pickups_for(session, actor=world.household_a)
    assert still.status == "requested"


def _assign(session: Session, world: World, pickup_id: int, clock: FrozenClock) -> str:
    """Assign the pickup to the nearest collector and return that collector's username."""
    assigned = dispatch.assign_pickup(
        session, actor=world.operator, pickup_id=pickup_id, now=clock.now()
    )
    session.flush()
    return "col-a" if assigned.collector_id == world.collector_a.organisation_id else "col-b"


class TestCollector:
    def test_collecting_at_the_door_through_the_form(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        pickup = book(session, world.household_a, now=clock.now(), items={"tv_flat": 2})
        token = switch_to(app_client, "operator")
        answer = app_client.post(
            f"/pickups/{pickup.id}/assign", data={"csrf_token": token}, follow_redirects=False
        )
        assert answer.status_code == 303
        [assigned] = orders.pickups_for(session, actor=world.operator)
        collector = (
            "col-a" if assigned.collector_id == world.collector_a.organisation_id else "col-b"
        )

        token = switch_to(app_client, collector)
        page = app_client.get("/").text
        assert f'id="job-{pickup.id}"' in page
        assert "福田区深南大道1号" in page
        assert "13800138000" in page
        answer = app_client.post(
            f"/pickups/{pickup.id}/collect",
            data={"csrf_token": token, "category": ["tv_flat", "tv_flat"], "kg": ["12.5", "9.875"]},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        held = custody.units_held_by(session, assigned.collector_id or 0, status="with_collector")
        assert sorted(u.door_grams for u in held) == [9_875, 12_500]
        page = app_client.get("/").text
        assert f'id="job-{pickup.id}"' not in page
        assert "22.375 kg" in page
        for unit in held:
            assert unit.code in page

    @pytest.mark.parametrize(
        ("kg", "message"),
        [
            ("abc", "请以千克填写重量"),
            ("1.0005", "最多 3 位小数"),
            ("-2", "请以千克"),
            ("0", "请以千克"),
        ],
    )
    def test_a_bad_weight_is_refused_and_nothing_is_collected(
        self,
        app_client: TestClient,
        world: World,
        session: Session,
        clock: FrozenClock,
        kg: str,
        message: str,
    ) -> None:
        pickup = book(session, world.household_a, now=clock.now())
        collector = _assign(session, world, pickup.id, clock)
        token = switch_to(app_client, collector)
        answer = app_client.post(
            f"/pickups/{pickup.id}/collect",
            data={"csrf_token": token, "category": "tv_flat", "kg": kg},
        )
        assert answer.status_code == 422
        assert message in answer.text
        assert f'value="{kg}"' in answer.text
        [still] = orders.pickups_for(session, actor=world.operator)
        assert still.status == "assigned"
        assert custody.units_of_household(session, world.household_a.organisation_id) == []

    def test_the_wrong_items_are_refused_with_409(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        pickup = book(session, world.household_a, now=clock.now())
        collector = _assign(session, world, pickup.id, clock)
        token = switch_to(app_client, collector)
        answer = app_client.post(
            f"/pickups/{pickup.id}/collect",
            data={"csrf_token": token, "category": "refrigerator", "kg": "40"},
        )
        assert answer.status_code == 409
        assert "不符" in answer.text
        assert custody.units_of_household(session, world.household_a.organisation_id) == []


class TestStationAndPlant:
    def test_from_delivery_to_dismantling_through_the_forms(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        now = clock.now()
        done = collect(session, world, book(session, world.household_a, now=now), now=now)
        [code] = done.unit_codes
        collector_id = done.pickup.collector_id

        token = switch_to(app_client, "sta-a")
        answer = app_client.post(
            "/station/receipts",
            data={"csrf_token": token, "collector_id": str(collector_id), "unit_codes": code},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        assert code in app_client.get("/").text

        answer = app_client.post(
            "/lots",
            data={"csrf_token": token, "unit_codes": f"{code}\n", "price": "480"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        [lot] = exchange.lots_for(session, actor=world.station_a)
        assert lot.price.minor == 480_00
        assert answer.headers["location"] == f"/#lot-{lot.id}"

        token = switch_to(app_client, "plant-a")
        assert f'action="/lots/{lot.id}/buy"' in app_client.get("/").text
        answer = app_client.post(
            f"/lots/{lot.id}/buy", data={"csrf_token": token}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text

        token = switch_to(app_client, "sta-a")
        assert f'action="/lots/{lot.id}/ship"' in app_client.get("/").text
        answer = app_client.post(
            f"/lots/{lot.id}/ship", data={"csrf_token": token}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text

        token = switch_to(app_client, "plant-a")
        assert f'action="/lots/{lot.id}/receive"' in app_client.get("/").text
        door_kg = f"{lot.grams / 1000}"
        answer = app_client.post(
            f"/lots/{lot.id}/receive",
            data={"csrf_token": token, "unit_codes": code, "load_kg": door_kg},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        assert exchange.get_lot(session, actor=world.plant_a, lot_id=lot.id).status == "received"

        page = app_client.get("/").text
        assert f'<option value="{code}"' in page
        answer = app_client.post(
            "/dismantling",
            data={
                "csrf_token": token,
                "unit_code": code,
                "line": "L1",
                "fraction_glass": "4.5",
                "fraction_plastics": "3",
                "fraction_copper": "",
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        [record] = compliance.recent_for_plant(session, world.plant_a.organisation_id)
        assert dict(record.outputs) == {"glass": 4_500, "plastics": 3_000}

        token = switch_to(app_client, "home-a")
        trace = app_client.get(f"/units/{code}").text
        assert "完整：已在持证企业拆解" in trace

    def test_a_lot_price_with_sub_fen_precision_is_refused(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        now = clock.now()
        done = collect(session, world, book(session, world.household_a, now=now), now=now)
        exchange.receive_at_station(
            session,
            actor=world.station_a,
            collector_id=done.pickup.collector_id or 0,
            unit_codes=list(done.unit_codes),
            now=now,
        )
        token = switch_to(app_client, "sta-a")
        answer = app_client.post(
            "/lots",
            data={"csrf_token": token, "unit_codes": done.unit_codes[0], "price": "480.001"},
        )
        assert answer.status_code == 422
        assert "最多 2 位小数" in answer.text
        assert exchange.lots_for(session, actor=world.station_a) == []

    def test_receiving_from_an_organisation_that_is_not_a_collector(
        self, app_client: TestClient, world: World
    ) -> None:
        token = switch_to(app_client, "sta-a")
        answer = app_client.post(
            "/station/receipts",
            data={
                "csrf_token": token,
                "collector_id": str(world.household_a.organisation_id),
                "unit_codes": "EW0000000000000",
            },
        )
        assert answer.status_code in {404, 409, 422}
        assert 'class="error"' in answer.text
