"""The market board page: stations and plants (and staff) in both languages; a plant sees its
own licence, capacity and assessment; households and collectors are turned away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import exchange
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.api.test_pages_auth import login_as
from tests.factories import World, build_world
from tests.integration.exchange.helpers import lot


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    world = build_world(session, now=clock.now())
    now = clock.now()
    exchange.post_standing_bid(
        session,
        actor=world.plant_b,
        category="tv_flat",
        basis=exchange.PriceBasis.UNIT,
        price=Money(500_00),
        radius_km=200,
        units_per_month=1,
        now=now,
    )
    lot(
        session,
        world,
        now=now,
        price=Money(300_00),
        sale=exchange.SaleMethod.AUCTION,
        closes_at=now + timedelta(hours=2),
    )
    lot(session, world, now=now, price=Money(480_00))
    session.flush()
    return world


@pytest.mark.parametrize(
    ("lang", "heading", "auction", "net"),
    [
        ("zh_CN", "市场看板", "密封竞价拍卖", "扣除运费后每件最高净价"),
        ("en", "Market board", "Sealed-bid auction", "Best net per unit to you"),
    ],
)
def test_a_station_sees_the_board_with_net_prices(
    app_client: TestClient, world: World, lang: str, heading: str, auction: str, net: str
) -> None:
    login_as(app_client, "sta-a", lang=lang)
    assert 'href="/market"' in app_client.get("/").text
    page = app_client.get("/market")
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert auction in page.text
    assert net in page.text
    assert 'id="method-fixed_price"' in page.text
    assert 'id="bids-tv_flat"' in page.text
    assert 'id="my-plant"' not in page.text
    [closing] = [line for line in page.text.split("<tr") if 'id="auction-' in line]
    assert "¥300.00" in closing or "300.00" in closing


@pytest.mark.parametrize(("lang", "licence"), [("zh_CN", "许可证"), ("en", "Licence")])
def test_a_plant_sees_its_own_licence_capacity_and_assessment(
    app_client: TestClient, world: World, lang: str, licence: str
) -> None:
    login_as(app_client, "plant-a", lang=lang)
    page = app_client.get("/market")
    assert page.status_code == 200
    assert 'id="my-plant"' in page.text
    assert licence in page.text
    assert 'id="capacity-tv_flat"' in page.text
    assert 'id="assessment"' in page.text
    assert "Best net per unit to you" not in page.text


@pytest.mark.parametrize("username", ["home-a", "col-a"])
def test_households_and_collectors_are_turned_away(
    app_client: TestClient, world: World, username: str
) -> None:
    login_as(app_client, username, lang="en")
    page = app_client.get("/market")
    assert page.status_code == 403
    assert "for stations and plants" in page.text


def test_the_board_needs_a_login(app_client: TestClient, world: World) -> None:
    page = app_client.get("/market", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login"
