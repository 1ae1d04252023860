"""A plant receives, on the discrepancies page, a unit its reception reported missing that
turned up afterwards: the page lists it with what the plant paid."""

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
        for _ in range(2):
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
        arrived, lost = listed.unit_codes
        exchange.receive_lot(
            session,
            actor=world.plant_b,
            lot_id=listed.id,
            unit_codes=[arrived],
            load_grams=listed.grams // 2,
            now=now,
            tolerance_basis_points=10_000,
            fee_basis_points=200,
        )
    page.goto("/login")
    page.fill("input[name=username]", "plant-b")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.goto("/discrepancies")
    form = page.locator(f"form[action='/discrepancies/{listed.id}/found']")
    form.locator("input[name=unit_code]").fill(lost.lower())
    form.locator("button[type=submit]").click()
    found = page.locator(f"#found-{listed.id}")
    expect(found).to_contain_text(lost)
    expect(found).to_contain_text("¥240.00")
    expect(page.locator(f"form[action='/discrepancies/{listed.id}/found']")).to_have_count(0)
    if SHOTS is not None:
        page.locator(f"#lot-{listed.id}").screenshot(path=str(SHOTS / "found-unit-zh.png"))
