"""Builders for market tests: lots of n units at station a, a fresh plant, ledger sums."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import exchange, ledger
from ewaste.identity import Actor, Role
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from tests.factories import World, book, collect, collector_of, make_party


def units_at_station(
    session: Session, world: World, *, now: datetime, count: int = 1, category: str = "tv_flat"
) -> list[str]:
    """`count` units of `category` collected from household a and received at station a."""
    pickup = book(session, world.household_a, now=now, items={category: count})
    done = collect(session, world, pickup, now=now)
    exchange.receive_at_station(
        session,
        actor=world.station_a,
        collector_id=collector_of(world, done.pickup.collector_id).organisation_id,
        unit_codes=list(done.unit_codes),
        now=now,
    )
    return list(done.unit_codes)


def lot(
    session: Session,
    world: World,
    *,
    now: datetime,
    count: int = 1,
    price: Money = Money(480_00),
    sale: exchange.SaleMethod = exchange.SaleMethod.FIXED_PRICE,
    closes_at: datetime | None = None,
    category: str = "tv_flat",
    fen_per_km: int = 800,
) -> exchange.LotView:
    """A lot of `count` units at station a, sold by `sale`; a lot for standing bids is then
    matched by the worker's job, as in the product."""
    codes = units_at_station(session, world, now=now, count=count, category=category)
    listed = exchange.create_lot(
        session,
        actor=world.station_a,
        unit_codes=codes,
        price=price,
        now=now,
        sale=sale,
        closes_at=closes_at,
    )
    if sale is not exchange.SaleMethod.STANDING_BID:
        return listed
    exchange.match_waiting_lots(session, now=now, limit=100, transport_fen_per_km=fen_per_km)
    return exchange.get_lot(session, actor=world.station_a, lot_id=listed.id)


def new_plant(
    session: Session, world: World, username: str, *, now: datetime, at: GeoPoint, funds: int
) -> Actor:
    """A plant with no licence and no assessment yet, holding `funds` fen."""
    plant = make_party(session, Role.PLANT, username, now=now, at=at)
    ledger.record_deposit(
        session,
        actor=world.operator,
        organisation_id=plant.organisation_id,
        amount=Money(funds),
        bank_reference=f"seed-{username}",
        now=now,
    )
    return plant
