"""A household logs in, gets a quote and books a pickup, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ewaste import orders
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD


@pytest.mark.e2e
def test_household_gets_a_quote_and_books_a_pickup(page: Page, live_server: LiveServer) -> None:
    page.goto("/login")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("input[name=username]", "home-a")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    expect(page.locator("h1")).to_have_text("我的回收")
    expect(page.locator("header")).to_contain_text("home-a")

    quote_form = page.locator("form[action='/quotes']")
    quote_form.locator("select[name=category]").first.select_option("tv_flat")
    quote_form.locator("input[name=quantity]").first.fill("2")
    quote_form.locator("button[type=submit]").click()

    quote = page.locator("article.quote").first
    expect(quote).to_be_visible()
    expect(quote.locator("tbody tr")).to_have_count(1)
    expect(quote).to_contain_text("¥")
    # The position is prefilled from the household's organisation.
    expect(quote.locator("input[name=lat]")).to_have_value("22.5223")
    quote.locator("input[name=address]").fill("福田区深南大道1号")
    quote.locator("select[name=slot]").select_option(index=1)
    quote.locator("input[name=contact_name]").fill("李女士")
    quote.locator("input[name=contact_phone]").fill("13800138000")
    quote.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/#pickup-\d+$"))
    row = page.locator("table.pickups tbody tr").first
    expect(row).to_contain_text("福田区深南大道1号")
    expect(row).to_contain_text("等待派单")
    expect(page.locator("article.quote")).to_have_count(0)

    with live_server.sessions() as session:
        [pickup] = orders.pickups_for(session, actor=live_server.world.household_a)
    assert pickup.status == "requested"
    assert pickup.contact_phone == "13800138000"
    assert (pickup.window_end - pickup.window_start).total_seconds() == 2 * 3600


@pytest.mark.e2e
def test_the_language_switch_turns_the_page_english(page: Page) -> None:
    page.goto("/login")
    page.click("a[data-lang=en]")
    expect(page.locator("h1")).to_have_text("Log in")
    page.click("a[data-lang=zh_CN]")
    expect(page.locator("h1")).to_have_text("登录")
