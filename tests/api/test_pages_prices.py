"""Pages: the public price board (commodity prices in force and reference prices)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from ewaste import pricing
from ewaste.catalog.datafiles import catalogue
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import format_money
from tests.factories import FUTIAN, World, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def _row(page: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert match is not None, row_id
    return match.group(1)


def test_the_board_is_public_and_names_every_price_and_its_source(
    app_client: TestClient, world: World, session: Session
) -> None:
    page = app_client.get("/prices")
    assert page.status_code == 200
    text = page.text
    assert "<h1>价格公示</h1>" in text
    assert "地区：深圳" in text
    steel = _row(text, "commodity-steel_scrap")
    assert "废钢" in steel
    assert "¥1.95" in steel
    assert "2026-01-01" in steel  # in force since midnight China time
    assert "估算" in steel  # the seed steel price is an estimate
    assert "黑色金属（钢铁）" in steel  # the material it values
    copper = _row(text, "commodity-copper_motor_wire")
    assert "¥39.20" in copper
    assert "估算" not in copper
    [version] = pricing.price_history(
        session, kind="commodity", key="copper_motor_wire", region="shenzhen", limit=1
    )
    assert f'title="{escape(version.source)}"' in copper
    # Every link and resource is local: no CDN.
    assert all(url.startswith(("/", "#")) for url in re.findall(r'(?:src|href)="([^"]*)"', text))


def test_each_category_has_a_reference_price_as_quoted_at_a_station(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    text = app_client.get("/prices").text
    for code in catalogue().models:
        priced, profiles, distance, _ = pricing.price_items(
            session,
            items=[pricing.ItemRequest(code, 1, works=False)],
            region="shenzhen",
            location=FUTIAN,  # station a stands here: no distance to drive
            now=clock.now(),
        )
        assert distance == 0
        row = _row(text, f"reference-{code}")
        kg, grams = divmod(profiles[0].mass_g, 1000)
        assert f"{kg:,}.{grams:03d} kg" in row
        if priced.free_collection:
            assert "免费上门回收" in row
        else:
            assert format_money(priced.payable) in row


def test_the_board_in_english(app_client: TestClient, world: World) -> None:
    app_client.cookies.set("lang", "en")
    text = app_client.get("/prices").text
    for words in (
        "<h1>Price board</h1>",
        "Region: Shenzhen",
        "Steel scrap",
        "Ferrous metals (steel, iron)",
        "estimate",
        "Reference price per item",
        "Flat-panel television",
    ):
        assert words in text


def test_a_region_without_prices_says_so(app_client: TestClient) -> None:
    page = app_client.get("/prices")
    assert page.status_code == 409
    assert "尚未设置价格" in page.text
