"""A collector opens today's route sheet: the map draws its stops in driving order (even
with no map tiles reachable), and the table lists them in the same order; when another
pickup is given to it, the open sheet says its stops changed."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ewaste.db.uow import transaction
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.geo import GeoPoint
from tests.e2e.conftest import LiveServer
from tests.factories import FUTIAN, PASSWORD, assign_to, book

SHOTS = (
    Path(os.environ.get("EWASTE_SCREENSHOTS", "")) if os.environ.get("EWASTE_SCREENSHOTS") else None
)

# Three doors around Futian, booked by household b (household a has a journey of its own)
# for tomorrow, in the reverse of their window order.
DOORS = [
    (GeoPoint(FUTIAN.lat + 0.03, FUTIAN.lon + 0.01), 13),
    (GeoPoint(FUTIAN.lat - 0.01, FUTIAN.lon + 0.03), 11),
    (GeoPoint(FUTIAN.lat + 0.01, FUTIAN.lon - 0.02), 9),
]


@pytest.mark.e2e
def test_the_route_map_shows_the_stops_in_driving_order(
    page: Page, live_server: LiveServer
) -> None:
    now = datetime.now(UTC)
    day = (now.astimezone(CHINA_TIME) + timedelta(days=1)).date()
    world = live_server.world
    booked = {}
    with transaction(live_server.sessions) as session:
        for place, hour in DOORS:
            pickup = book(
                session,
                world.household_b,
                now=now,
                at=place,
                starts=datetime.combine(day, time(hour), CHINA_TIME).astimezone(UTC),
                hours=1,
                address=f"福田区 {hour} 点门牌",
            )
            assign_to(session, world, pickup.id, world.collector_a, now=now)
            booked[hour] = pickup.id
    in_window_order = [booked[h] for h in sorted(booked)]

    page.goto("/login")
    page.fill("input[name=username]", "col-a")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    expect(page.locator("#route-link")).to_be_visible()
    page.goto(f"/collectors/{world.collector_a.organisation_id}/route?day={day.isoformat()}")

    expect(page.locator("h1")).to_contain_text("路线单")
    # The map is drawn (tiles cannot load here: no network) with one pin per stop.
    expect(page.locator("#route-map")).to_have_attribute("data-drawn", "3")
    pins = page.locator(".route-stop span[data-sequence]")
    expect(pins).to_have_count(3)
    assert [pins.nth(i).get_attribute("data-sequence") for i in range(3)] == ["1", "2", "3"]
    on_map = [int(pins.nth(i).get_attribute("data-pickup") or 0) for i in range(3)]
    assert on_map == in_window_order
    # The table lists the same stops in the same order.
    rows = page.locator("table.route-stops tbody tr")
    assert [int(rows.nth(i).get_attribute("data-pickup") or 0) for i in range(3)] == on_map
    # One line joins base, the three stops and the station: five points.
    line = page.locator("path.route-line")
    expect(line).to_have_count(1)
    points = re.findall(r"[ML]", line.get_attribute("d") or "")
    assert len(points) == 5

    # Another pickup is given to the collector while the sheet is open: the page notices
    # (it asks every 30 s; the test asks now) and links to the new list.
    notice = page.locator("#route-changed")
    page.evaluate("window.routeWatch.check()")
    expect(notice).to_be_hidden()
    with transaction(live_server.sessions) as session:
        extra = book(
            session,
            world.household_b,
            now=now,
            at=GeoPoint(FUTIAN.lat, FUTIAN.lon + 0.01),
            starts=datetime.combine(day, time(15), CHINA_TIME).astimezone(UTC),
            hours=1,
            address="福田区 15 点门牌",
        )
        assign_to(session, world, extra.id, world.collector_a, now=now)
    page.evaluate("window.routeWatch.check()")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("您的停靠点有变化")
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / "route-changed.png"), full_page=True)
    notice.locator("a").click()
    expect(rows).to_have_count(4)
    expect(page.locator(f'table.route-stops tr[data-pickup="{extra.id}"]')).to_have_count(1)
    expect(page.locator("#route-changed")).to_be_hidden()


@pytest.mark.e2e
def test_the_collector_sets_out_for_a_stop_and_it_comes_first(
    page: Page, live_server: LiveServer
) -> None:
    now = datetime.now(UTC)
    day = now.astimezone(CHINA_TIME).date()
    world = live_server.world
    booked = {}
    with transaction(live_server.sessions) as session:
        for place, hour in DOORS:
            starts = datetime.combine(day, time(hour), CHINA_TIME).astimezone(UTC)
            if starts <= now:  # late in the day: book what can still be booked
                starts = now + timedelta(minutes=30)
            pickup = book(
                session,
                world.household_b,
                now=now,
                at=place,
                starts=starts,
                hours=8,
                address=f"福田区 {hour} 点门牌",
            )
            assign_to(session, world, pickup.id, world.collector_a, now=now)
            booked[hour] = pickup.id

    page.goto("/login")
    page.fill("input[name=username]", "col-a")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.goto(f"/collectors/{world.collector_a.organisation_id}/route")
    rows = page.locator("table.route-stops tbody tr")
    expect(rows).to_have_count(3)
    last = int(rows.nth(2).get_attribute("data-pickup") or 0)
    page.click(f"form[action='/pickups/{last}/set-out'] button")
    expect(page.locator(f"#pickup-{last}")).to_contain_text("已出发")
    assert int(rows.nth(0).get_attribute("data-pickup") or 0) == last
    expect(page.locator(f"form[action='/pickups/{last}/set-out']")).to_have_count(0)
    expect(page.locator("form[action$='/set-out']")).to_have_count(2)
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / "route-set-out.png"), full_page=True)
    # The household whose pickup it is sees its collector on the way.
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("input[name=username]", "home-b")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    expect(page.locator(f"#pickup-{last} .on-the-way")).to_contain_text("回收员已于")
    expect(page.locator(".on-the-way")).to_have_count(1)
    if SHOTS is not None:
        page.locator(f"#pickup-{last}").screenshot(path=str(SHOTS / "household-on-the-way.png"))
