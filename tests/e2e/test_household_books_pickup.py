"""A household logs in, describes its items, reads the quote's breakdown in Chinese and
English and books a pickup, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ewaste import orders, pricing
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

    # Step one: which items and how many.
    picker = page.locator("form[action='/quotes/new']")
    picker.locator("select[name=category]").first.select_option("tv_flat")
    picker.locator("input[name=quantity]").first.fill("2")
    picker.locator("button[type=submit]").click()

    # Step two: what they are like.
    expect(page.locator("h1")).to_have_text("说明物品情况")
    item = page.locator("fieldset#item-0")
    expect(item.locator("legend")).to_have_text("平板电视机")
    item.locator("select[name=attr-0-technology]").select_option("oled")
    item.locator("input[name=attr-0-screen_inch]").fill("55")
    item.locator("input[name=works-0][value=yes]").check()
    page.locator("form[action='/quotes'] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/#quote-\d+$"))
    quote = page.locator("article.quote").first
    expect(quote).to_be_visible()
    breakdown = quote.locator("table.breakdown")
    expect(breakdown.locator("tbody.item")).to_have_count(1)
    expect(breakdown.locator("tr.item-head").first).to_contain_text("屏幕尺寸（对角线）：55 英寸")
    materials = breakdown.locator("tr.line-material")
    expect(materials.first).to_be_visible()
    expect(breakdown).to_contain_text("铝")
    expect(breakdown).to_contain_text("¥13.50/kg")
    expect(breakdown.locator("tr.line-reuse")).to_contain_text("二手价值")
    expect(breakdown.locator("tr.total")).to_contain_text("上门当场付款")
    total = breakdown.locator("tr.total td.amount")
    expect(total).to_contain_text("¥")
    expect(quote.locator("h3 .amount")).to_have_text(total.inner_text())
    # A source opens to its full text, and to where the quantity comes from.
    source = materials.first.locator("td.source details")
    source.locator("summary").click()
    expect(source.locator("p").first).to_be_visible()
    expect(source.locator("p.basis")).to_contain_text("数量依据")

    # The same breakdown in English.
    page.click("a[data-lang=en]")
    expect(page.locator("h1")).to_have_text("My recycling")
    breakdown = page.locator("article.quote table.breakdown").first
    expect(breakdown.locator("tr.item-head").first).to_contain_text(
        "Screen size (diagonal): 55 inch"
    )
    expect(breakdown.locator("tr.line-material").first).to_contain_text("Material")
    expect(breakdown).to_contain_text("Aluminium")
    expect(breakdown.locator("tr.total")).to_contain_text("You are paid at the door")
    expect(page.locator("article.quote p.note").first).to_contain_text("rounded once")
    page.click("a[data-lang=zh_CN]")
    expect(page.locator("h1")).to_have_text("我的回收")

    quote = page.locator("article.quote").first
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

    # "Why this price" from the pickup: the same lines and the price versions used.
    row.locator("a[href^='/quotes/']").click()
    expect(page.locator("h1")).to_contain_text("为什么是这个价格？")
    expect(page.locator("table.breakdown tr.line-material").first).to_be_visible()
    expect(page.locator("table.versions tbody tr").first).to_be_visible()

    with live_server.sessions() as session:
        [pickup] = orders.pickups_for(session, actor=live_server.world.household_a)
        quote_view = pricing.quote_by_id(session, pickup.quote_id)
    assert quote_view is not None
    assert dict(quote_view.items[0].attributes) == {"technology": "oled", "screen_inch": 55}
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
