"""Route sheets as pages: the collector's own sheet, the operator's routes of the day with
a link to each sheet, and nobody else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import dispatch, orders
from ewaste.dispatch import plan_moves
from ewaste.kernel.clock import CHINA_TIME, FrozenClock
from ewaste.kernel.geo import GeoPoint
from tests.api.helpers import token
from tests.api.test_pages_auth import login_as
from tests.factories import FUTIAN, World, assign_to, book, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def test_the_operator_sees_todays_routes_and_opens_a_sheet(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()  # 10:00 in Shenzhen, 2026-11-24
    for k, hours in enumerate((2, 4)):
        pickup = book(
            session,
            world.household_a,
            now=now,
            at=GeoPoint(FUTIAN.lat + 0.01 * k, FUTIAN.lon),
            starts=now + timedelta(hours=hours),
            address=f"福田区 {k} 号",
        )
        assign_to(session, world, pickup.id, world.collector_a, now=now)
    collector = world.collector_a.organisation_id
    dispatch.reoptimise_routes(session, now=now)  # the worker stores the day's order
    session.commit()

    login_as(app_client, "operator")
    home = app_client.get("/")
    assert home.status_code == 200
    assert "今日路线" in home.text
    link = f"/collectors/{collector}/route?day=2026-11-24"
    assert f'href="{link}"' in home.text
    assert f'id="route-{collector}"' in home.text
    assert "col-a" in home.text  # the collector named in Chinese
    assert "Col-A" not in home.text

    sheet = app_client.get(link)
    assert sheet.status_code == 200
    assert sheet.text.index("福田区 0 号") < sheet.text.index("福田区 1 号")
    assert 'id="route-map"' in sheet.text
    assert "/static/vendor/leaflet/leaflet.js" in sheet.text
    assert "停靠顺序于 10:00 排定" in sheet.text  # the stored order, and when it was set


def test_a_collector_opens_its_own_sheet_but_not_anothers(
    app_client: TestClient, world: World
) -> None:
    login_as(app_client, "col-a")
    own = app_client.get(f"/collectors/{world.collector_a.organisation_id}/route")
    assert own.status_code == 200
    assert "当天没有上门订单" in own.text
    other = app_client.get(f"/collectors/{world.collector_b.organisation_id}/route")
    assert other.status_code == 404


def test_an_open_sheet_learns_that_its_stops_changed(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    first = book(session, world.household_a, now=now, starts=now + timedelta(hours=2))
    assign_to(session, world, first.id, world.collector_a, now=now)
    session.commit()
    collector = world.collector_a.organisation_id
    login_as(app_client, "col-a")
    page = app_client.get(f"/collectors/{collector}/route").text
    shown = re.search(r'data-version="([0-9a-f]{16})"', page)
    assert shown is not None
    assert f'data-url="/collectors/{collector}/route/version?day=2026-11-24"' in page
    asked = app_client.get(f"/collectors/{collector}/route/version?day=2026-11-24")
    assert asked.status_code == 200
    assert asked.headers["cache-control"] == "no-store"
    assert asked.json() == {"version": shown.group(1)}
    clock.advance(timedelta(minutes=7))  # time passes: ETAs move, the version does not
    assert app_client.get(f"/collectors/{collector}/route/version").json() == asked.json()
    second = book(session, world.household_a, now=now, starts=now + timedelta(hours=3))
    assign_to(session, world, second.id, world.collector_a, now=now)
    session.commit()
    changed = app_client.get(f"/collectors/{collector}/route/version").json()
    assert changed["version"] != shown.group(1)
    other = world.collector_b.organisation_id
    assert app_client.get(f"/collectors/{other}/route/version").status_code == 404


def test_a_household_has_no_routes_section_and_no_sheet(
    app_client: TestClient, world: World
) -> None:
    login_as(app_client, "home-a")
    assert "今日路线" not in app_client.get("/").text
    refused = app_client.get(f"/collectors/{world.collector_a.organisation_id}/route")
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("lang", "said"), [("zh_CN", "已规划 2 个停靠点"), ("en", "Planned 2 stops")]
)
def test_the_operator_plans_the_citys_routes_from_the_staff_page(
    app_client: TestClient,
    session: Session,
    world: World,
    clock: FrozenClock,
    lang: str,
    said: str,
) -> None:
    now = clock.now()
    near_b = GeoPoint(22.72, 114.247)  # at collector b's base, Longgang
    for k in range(2):
        pickup = book(
            session,
            world.household_a,
            now=now,
            at=GeoPoint(near_b.lat + 0.005 * k, near_b.lon),
            starts=now + timedelta(hours=1),
            hours=6,
        )
        assign_to(session, world, pickup.id, world.collector_a, now=now)  # the far one
    session.commit()
    token = login_as(app_client, "operator", lang=lang)
    page = app_client.post("/routes/plan", data={"csrf_token": token})
    assert page.status_code == 200
    assert 'id="city-plan"' in page.text
    assert said in page.text
    assert f'id="route-{world.collector_b.organisation_id}"' in page.text


def test_only_operators_plan_the_citys_routes(app_client: TestClient, world: World) -> None:
    token = login_as(app_client, "col-a", lang="en")
    refused = app_client.post("/routes/plan", data={"csrf_token": token})
    assert refused.status_code == 403
    assert 'id="city-plan"' not in refused.text


def test_planning_a_day_without_stops_says_so(app_client: TestClient, world: World) -> None:
    token = login_as(app_client, "operator", lang="en")
    page = app_client.post("/routes/plan", data={"csrf_token": token})
    assert page.status_code == 200
    assert "Nothing to plan" in page.text


def test_the_staff_page_shows_the_last_city_plan(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    pickup = book(session, world.household_a, now=now, starts=now + timedelta(hours=1), hours=6)
    assign_to(session, world, pickup.id, world.collector_b, now=now)
    dispatch.plan_routes(session, actor=world.operator, day=now.date(), now=now, seconds=1)
    session.commit()
    login_as(app_client, "operator")
    page = app_client.get("/").text
    assert 'id="last-city-plan"' in page
    assert "最近一次全市规划：10:00，由运营人员执行" in page
    assert "改派 1 个" in page


def test_the_api_plans_the_citys_routes(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    pickup = book(session, world.household_a, now=now, starts=now + timedelta(hours=1), hours=6)
    assign_to(session, world, pickup.id, world.collector_b, now=now)  # Longgang's, in Futian
    session.commit()
    headers = token(app_client, "operator")
    done = app_client.post("/api/routes/plan", json={"day": "2026-11-24"}, headers=headers)
    assert done.status_code == 200, done.text
    figures = done.json()
    assert (figures["applied"], figures["served"], figures["moved"]) == (True, 1, 1)
    assert figures["after_m"] < figures["before_m"]
    refused = app_client.post("/api/routes/plan", json={"day": "tomorrow"}, headers=headers)
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("lang", "button", "on_the_way", "refused", "household_sees"),
    [
        (
            "en",
            "Set out",
            "On my way",
            "is not on today&#39;s route: its window is on 2026-11-25",
            "The collector set out at 10:00 and is on the way.",
        ),
        (
            "zh_CN",
            "出发",
            "已出发",
            "不在今天的路线上：预约时间在 2026-11-25",
            "回收员已于 10:00 出发，正在赶来。",
        ),
    ],
)
def test_the_collector_sets_out_from_its_sheet(
    app_client: TestClient,
    session: Session,
    world: World,
    clock: FrozenClock,
    lang: str,
    button: str,
    on_the_way: str,
    refused: str,
    household_sees: str,
) -> None:
    now = clock.now()
    ids = []
    for hours in (2, 26):  # today and tomorrow
        pickup = book(session, world.household_a, now=now, starts=now + timedelta(hours=hours))
        assign_to(session, world, pickup.id, world.collector_a, now=now)
        ids.append(pickup.id)
    today, tomorrow = ids
    session.commit()
    token = login_as(app_client, "col-a", lang=lang)
    me = world.collector_a.organisation_id
    sheet = app_client.get(f"/collectors/{me}/route")
    assert f'action="/pickups/{today}/set-out"' in sheet.text
    assert f">{button}</button>" in sheet.text
    went = app_client.post(
        f"/pickups/{today}/set-out", data={"csrf_token": token}, follow_redirects=False
    )
    assert went.status_code == 303
    assert went.headers["location"] == f"/collectors/{me}/route#pickup-{today}"
    sheet = app_client.get(f"/collectors/{me}/route")
    assert on_the_way in sheet.text
    assert f'action="/pickups/{today}/set-out"' not in sheet.text
    no = app_client.post(f"/pickups/{tomorrow}/set-out", data={"csrf_token": token})
    assert no.status_code == 409
    assert refused in no.text
    # The operator reads the sheet but has no button: only the collector sets out.
    login_as(app_client, "operator", lang=lang)
    staff_view = app_client.get(f"/collectors/{me}/route")
    assert on_the_way in staff_view.text
    assert "/set-out" not in staff_view.text
    # The household sees its collector on the way (set out at 10:00), for that pickup only.
    login_as(app_client, "home-a", lang=lang)
    home = app_client.get("/").text
    row = home[home.index(f'id="pickup-{today}"') :]
    assert household_sees in row[: row.index("</tr>")]
    assert home.count('class="on-the-way"') == 1


def test_the_staff_page_says_when_the_last_plan_declined_its_moves(
    app_client: TestClient,
    session: Session,
    world: World,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = clock.now()
    pickup = book(session, world.household_a, now=now, starts=now + timedelta(hours=1), hours=6)
    assign_to(session, world, pickup.id, world.collector_b, now=now)  # Longgang's, in Futian
    monkeypatch.setattr(plan_moves, "pays", lambda *args: False)  # the move does not pay
    done = dispatch.plan_routes(session, actor=world.operator, day=now.date(), now=now, seconds=1)
    assert (done.applied, done.moved, done.declined_moves) == (True, 0, 1)
    session.commit()
    login_as(app_client, "operator")
    page = app_client.get("/").text
    assert "改派 0 个" in page
    assert "1 处改派因节省里程不足未采用。" in page


def test_the_household_sees_about_when_its_collector_is_expected(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()  # 10:00 in Shenzhen
    today = book(session, world.household_a, now=now, starts=now + timedelta(hours=1), hours=2)
    tomorrow = book(session, world.household_a, now=now, starts=now + timedelta(days=1))
    for pickup in (today, tomorrow):
        assign_to(session, world, pickup.id, world.collector_a, now=now)
    session.commit()
    sheet = dispatch.route_sheet(
        session,
        actor=world.operator,
        collector_id=world.collector_a.organisation_id,
        day=now.date(),
        now=now,
    )
    [stop] = [s for s in sheet.stops if s.pickup_id == today.id]
    expected = dispatch.arrival_estimates(
        session, [orders.pickup_by_id(session, p.id) for p in (today, tomorrow)], now=now
    )
    assert list(expected) == [today.id]  # tomorrow's gets no estimate yet
    assert abs((expected[today.id] - stop.start).total_seconds()) <= 150
    assert expected[today.id] >= now + timedelta(hours=1) - timedelta(minutes=3)  # the window
    assert expected[today.id].minute % 5 == 0
    login_as(app_client, "home-a")
    home = app_client.get("/").text
    row = home[home.index(f'id="pickup-{today.id}"') :]
    when = expected[today.id].astimezone(CHINA_TIME).strftime("%H:%M")
    assert f"预计 {when} 左右上门。" in row[: row.index("</tr>")]
    assert home.count('class="expected"') == 1
    login_as(app_client, "home-b")
    assert 'class="expected"' not in app_client.get("/").text
