"""A household asks for its certificate of recycling: the page says it is being signed and
reloads itself until the worker has signed it. A stranger who scans its QR code sees the
public page, in Chinese and English: the chain and that the certificate is valid, without
the household's personal data; the household's receipt code opens "where did my item
go?"; a collector reserves label codes."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ewaste import compliance, custody, orders
from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock
from ewaste.kernel.quantities import Mass
from tests.certificates import sign_requests
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD, assign_to, book

SHOTS = (
    Path(os.environ.get("EWASTE_SCREENSHOTS", "")) if os.environ.get("EWASTE_SCREENSHOTS") else None
)


def _recycled(live_server: LiveServer) -> tuple[str, str]:
    """A household's TV collected, moved to plant a and dismantled an hour ago; returns its
    unit code and receipt code."""
    world = live_server.world
    now = SystemClock().now() - timedelta(hours=1)
    with transaction(live_server.sessions) as session:
        pickup = book(session, world.household_a, now=now, address="福田区深南大道1号")
        assign_to(session, world, pickup.id, world.collector_a, now=now)
        code = orders.collect_pickup(
            session,
            actor=world.collector_a,
            pickup_id=pickup.id,
            units=[orders.DoorUnit("tv_flat", Mass(10_300))],
            now=now,
        ).unit_codes[0]
        for kind, giver, taker, actor in (
            (custody.HandoverKind.DELIVER, world.collector_a, world.station_a, world.station_a),
            (custody.HandoverKind.SHIP, world.station_a, world.plant_a, world.station_a),
            (custody.HandoverKind.RECEIVE, world.station_a, world.plant_a, world.plant_a),
        ):
            custody.hand_over(
                session,
                actor=actor,
                unit_codes=[code],
                handover=custody.Handover(
                    kind, giver.organisation_id, taker.organisation_id, now, None, "e2e"
                ),
            )
        compliance.record_dismantling(
            session,
            actor=world.plant_a,
            unit_code=code,
            line="L2",
            fractions={"ferrous": 3_000, "plastics": 3_500, "glass": 2_000},
            now=now,
        )
        receipt = custody.receipt_code_of(session, actor=world.household_a, unit_code=code)
        return code, receipt


def _shot(page: Page, name: str) -> None:
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.e2e
def test_the_public_certificate_and_tracking_pages(page: Page, live_server: LiveServer) -> None:
    unit, receipt = _recycled(live_server)
    page.goto("/login")
    page.fill("input[name=username]", "home-a")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.goto(f"/units/{unit}")
    page.locator(f"form[action='/units/{unit}/certificate'] button").click()
    # The web only asks: the page says the certificate is being signed and reloads itself.
    expect(page.locator("#certificate-pending")).to_be_visible()
    certificate = page.url.rsplit("/", 1)[-1]
    _shot(page, "verify-pending-zh")
    with transaction(live_server.sessions) as session:  # the worker's round
        assert sign_requests(session, now=SystemClock().now()) == 1
    expect(page.locator("h1")).to_have_text("验证证书")
    expect(page.locator("#certificate [data-valid=true]")).to_be_visible(timeout=10_000)
    expect(page.locator("#certificate-pending")).to_have_count(0)
    page.context.clear_cookies()
    page.goto(f"/verify/{certificate}")  # a stranger who scans the QR code
    expect(page.locator("#chain ol.trace > li")).to_have_count(5)
    body = page.locator("main").inner_text()
    for personal in ("李女士", "13800138000", "深南大道", "Home-A", "Col-A"):
        assert personal not in body
    _shot(page, "verify-zh")
    page.locator("a[data-lang=en]").click()
    expect(page.locator("h1")).to_have_text("Verify a certificate")
    expect(page.locator("#certificate")).to_contain_text("Certificate of recycling")
    _shot(page, "verify-en")

    page.goto("/track")
    page.fill("input[name=code]", receipt.lower())
    page.locator("form[action='/track'] button").click()
    expect(page.locator("#chain ol.trace > li")).to_have_count(5)
    expect(page.locator(f'#chain a[href="/verify/{certificate}"]')).to_be_visible()
    _shot(page, "track-en")


@pytest.mark.e2e
def test_a_collector_reserves_codes_for_labels(page: Page, live_server: LiveServer) -> None:
    page.goto("/login")
    page.fill("input[name=username]", "col-a")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    section = page.locator("#code-blocks")
    section.locator("input[name=count]").fill("42")
    section.locator("button[type=submit]").click()
    row = page.locator("#code-blocks tbody tr").first
    expect(row).to_contain_text("42")
    with page.expect_download() as download:
        row.locator("a").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    _shot(page, "collector-zh")
