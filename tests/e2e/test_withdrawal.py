"""A station adds its bank account and withdraws with a double click: one payout, one debit;
the operator gathers it into a bank batch. Both pages in Chinese and English."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ewaste import ledger, payouts
from ewaste.db.uow import transaction
from ewaste.kernel.money import Money
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD

SHOTS = (
    Path(os.environ.get("EWASTE_SCREENSHOTS", "")) if os.environ.get("EWASTE_SCREENSHOTS") else None
)


def _shot(page: Page, name: str) -> None:
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")


@pytest.mark.e2e
def test_a_double_clicked_withdrawal_pays_once(page: Page, live_server: LiveServer) -> None:
    station = live_server.world.station_b
    with transaction(live_server.sessions, dry_run=True) as session:
        before = ledger.balance(session, ledger.Accounts.party(station.organisation_id))

    _login(page, "sta-b")
    page.locator("#money-link").click()
    expect(page.locator("h1")).to_have_text("我的资金")
    bank = page.locator("#bank form")
    bank.locator("input[name=holder]").fill("龙岗回收站")
    bank.locator("input[name=bank_name]").fill("招商银行深圳龙岗支行")
    bank.locator("input[name=account_number]").fill("6225 8800 1234 5678")
    bank.locator("button[type=submit]").click()
    expect(page.locator("#masked-number")).to_have_text("•••• 5678")

    form = page.locator("#withdraw-form")
    form.locator("input[name=amount]").fill("1234.50")
    form.locator("button[type=submit]").dblclick()
    expect(page.locator("#payouts tbody tr[id^=payout-]")).to_have_count(1)
    expect(page.locator("#payouts tbody tr").first).to_contain_text("¥1,234.50")
    _shot(page, "money-party-zh")

    with transaction(live_server.sessions, dry_run=True) as session:
        mine = payouts.payouts_for(session, actor=station)
        after = ledger.balance(session, ledger.Accounts.party(station.organisation_id))
    assert [(p.amount, p.status) for p in mine] == [(Money(1234_50), "requested")]
    assert after == before - Money(1234_50)

    page.locator("a[data-lang=en]").click()
    expect(page.locator("h1")).to_have_text("My money")
    expect(page.locator("#payouts")).to_contain_text("Waiting for a bank batch")
    _shot(page, "money-party-en")

    page.context.clear_cookies()
    _login(page, "operator")
    page.goto("/money")
    expect(page.locator(f"#waiting #payout-{mine[0].id}")).to_be_visible()
    _shot(page, "money-operator-zh")
    page.locator("#create-batch").click()
    expect(page.locator(f"#waiting #payout-{mine[0].id}")).to_have_count(0)
    page.locator("a[data-lang=en]").click()
    expect(page.locator("#batches tbody tr").first).to_contain_text("Created, not downloaded")
    _shot(page, "money-operator-en")
