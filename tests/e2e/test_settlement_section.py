"""A new station's sale is held after reception: its money page shows its settlement terms,
the amount waiting and the day it is released, in Chinese and English."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ewaste.db.uow import transaction
from ewaste.kernel.money import Money
from tests.conftest import T0
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD
from tests.integration.settlement.helpers import buy, listed, ship_and_receive

SHOTS = (
    Path(os.environ.get("EWASTE_SCREENSHOTS", "")) if os.environ.get("EWASTE_SCREENSHOTS") else None
)


def _shot(page: Page, name: str) -> None:
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.e2e
def test_a_held_sale_shows_on_the_money_page(page: Page, live_server: LiveServer) -> None:
    world = live_server.world
    now = T0  # inside the collectors' working hours, as the factories need
    with transaction(live_server.sessions) as session:
        lot_id = listed(session, world, now, price=Money(480_00))
        buy(session, world, lot_id, now)
        ship_and_receive(session, world, lot_id, now)

    page.goto("/login")
    page.fill("input[name=username]", "sta-a")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.goto("/money")
    expect(page.locator("#settlement h2")).to_have_text("我的销售结算")
    expect(page.locator("#settlement-releases")).to_contain_text(f"lot:{lot_id}")
    expect(page.locator("#settlement-releases")).to_contain_text("470.40")
    expect(page.locator("#settlement-pending")).to_contain_text("470.40")
    _shot(page, "settlement-station-zh")
    page.locator("a[data-lang=en]").click()
    expect(page.locator("#settlement h2")).to_have_text("Settlement of my sales")
    expect(page.locator("#settlement-terms")).to_contain_text("7 days")
    _shot(page, "settlement-station-en")
