"""On the discrepancies page, of two units a reception reported missing, the station takes
back the one it never loaded and the plant receives the one that turned up in the truck:
the page lists both, where they were found and what the plant paid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ewaste import exchange
from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock
from ewaste.kernel.money import Money
from tests.e2e.conftest import LiveServer
from tests.factories import LONGGANG, PASSWORD, book, collect, collector_of

SHOTS = (
    Path(os.environ.get("EWASTE_SCREENSHOTS", "")) if os.environ.get("EWASTE_SCREENSHOTS") else None
)


@pytest.mark.e2e
def test_the_plant_receives_a_unit_found_after_the_reception(
    page: Page, live_server: LiveServer
) -> None:
    world = live_server.world
    now = SystemClock().now()
    # Side b's parties in Longgang: the other browser tests use side a's balances and
    # collector a's routes.
    with transaction(live_server.sessions) as session:
        codes: list[str] = []
        for _ in range(3):
            pickup = book(session, world.household_b, now=now, at=LONGGANG)
            done = collect(session, world, pickup, now=now)
            exchange.receive_at_station(
                session,
                actor=world.station_b,
                collector_id=collector_of(world, done.pickup.collector_id).organisation_id,
                unit_codes=list(done.unit_codes),
                now=now,
            )
            codes += done.unit_codes
        listed = exchange.create_lot(
            session, actor=world.station_b, unit_codes=codes, price=Money(480_00), now=now
        )
        exchange.buy_lot(session, actor=world.plant_b, lot_id=listed.id, now=now)
        exchange.ship_lot(session, actor=world.station_b, lot_id=listed.id, now=now)
        arrived, lost, left_home = listed.unit_codes
        exchange.receive_lot(
            session,
            actor=world.plant_b,
            lot_id=listed.id,
            unit_codes=[arrived],
            load_grams=listed.grams // 3,
            now=now,
            tolerance_basis_points=10_000,
            fee_basis_points=200,
        )

    def log_in(username: str) -> None:
        page.context.clear_cookies()
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.goto("/discrepancies")

    log_in("sta-b")
    at_home = page.locator(f"form[action='/discrepancies/{listed.id}/found-at-station']")
    at_home.locator("input[name=unit_code]").fill(left_home)
    at_home.locator("button[type=submit]").click()
    found = page.locator(f"#found-{listed.id}")
    expect(found).to_contain_text(left_home)
    expect(found).to_contain_text("在回收站找到")
    log_in("plant-b")
    form = page.locator(f"form[action='/discrepancies/{listed.id}/found']")
    form.locator("input[name=unit_code]").fill(lost.lower())
    form.locator("button[type=submit]").click()
    expect(found).to_contain_text(lost)
    expect(found).to_contain_text("¥160.00")  # 2/3 of ¥480 less the 1/3 paid at reception
    expect(page.locator(f"form[action='/discrepancies/{listed.id}/found']")).to_have_count(0)
    if SHOTS is not None:
        page.locator(f"#lot-{listed.id}").screenshot(path=str(SHOTS / "found-unit-zh.png"))
