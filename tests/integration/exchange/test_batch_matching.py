"""Matching many lots at once (`exchange.match_lots`) awards exactly what matching them one at
a time (`match_lot`, the listing path) would: same plant, bid and price for every lot, with a
bid's monthly quantity, a plant's capacity and its funds used up along the way."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from ewaste import exchange, ledger
from ewaste.exchange.repository import ExchangeRepository
from ewaste.exchange.standing_bids import match_lot
from ewaste.identity import Actor
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from tests.factories import World, build_world, license_plant
from tests.integration.exchange.helpers import lot, new_plant

FUTIAN_EAST = GeoPoint(22.5450, 114.0900)
BAOAN = GeoPoint(22.5550, 113.8830)


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def _bid(
    session: Session,
    plant: Actor,
    now: datetime,
    price: int,
    *,
    basis: exchange.PriceBasis = exchange.PriceBasis.UNIT,
    radius_km: int = 200,
    units: int = 100,
) -> int:
    return exchange.post_standing_bid(
        session,
        actor=plant,
        category="tv_flat",
        basis=basis,
        price=Money(price),
        radius_km=radius_km,
        units_per_month=units,
        now=now,
    ).id


def _market(session: Session, world: World, now: datetime) -> tuple[Actor, Actor]:
    """Four bidders: a small-capacity plant paying most, a short-of-money plant paying next,
    and the world's two plants with per-unit, per-kg, short-radius and capped bids."""
    small = new_plant(session, world, "plant-small", now=now, at=FUTIAN_EAST, funds=10**9)
    license_plant(
        session, world.operator, small, now=now, number="粤拆解-S", units=3, categories=("tv_flat",)
    )
    poor = new_plant(session, world, "plant-poor", now=now, at=BAOAN, funds=1_150_00)
    license_plant(session, world.operator, poor, now=now, number="粤拆解-P")
    _bid(session, small, now, 900_00)
    _bid(session, poor, now, 550_00)
    _bid(session, world.plant_a, now, 520_00, units=3)
    _bid(session, world.plant_a, now, 9_000_00, basis=exchange.PriceBasis.KG, radius_km=1)
    _bid(session, world.plant_b, now, 480_00)
    _bid(session, world.plant_b, now, 30_00, basis=exchange.PriceBasis.KG)
    return small, poor


def _listed_lots(session: Session, world: World, now: datetime) -> list[int]:
    return [
        lot(session, world, now=now, count=count, price=Money(100_00)).id
        for count in (1, 2, 1, 1, 2, 1, 1, 2, 1, 1)
    ]


def _terms(
    contracts: dict[int, tuple[int, int, int | None]],
) -> dict[int, tuple[int, int, int | None]]:
    return dict(sorted(contracts.items()))


def test_a_batch_awards_what_one_lot_at_a_time_would(
    session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    small, poor = _market(session, world, now)
    ids = _listed_lots(session, world, now)
    repo = ExchangeRepository(session)

    one_at_a_time: dict[int, tuple[int, int, int | None]] = {}
    savepoint = session.begin_nested()
    for lot_id in ids:
        listed = repo.lot_for_update(lot_id)
        assert listed is not None
        contract = match_lot(session, listed, transport_fen_per_km=800, now=now)
        if contract is not None:
            one_at_a_time[lot_id] = (
                contract.plant_id,
                contract.price_fen,
                contract.standing_bid_id,
            )
    savepoint.rollback()

    lots = [repo.lot_for_update(lot_id) for lot_id in ids]
    awarded = exchange.match_lots(
        session, [x for x in lots if x is not None], transport_fen_per_km=800, now=now
    )
    batch = {i: (c.plant_id, c.price_fen, c.standing_bid_id) for i, c in awarded.items()}

    assert _terms(batch) == _terms(one_at_a_time)
    buyers = [batch[i][0] for i in ids if i in batch]
    # The small plant takes lots until its 3 units of capacity are used, the poor plant until
    # its money runs out; the world's plants take the rest.
    assert buyers.count(small.organisation_id) >= 1
    assert buyers.count(poor.organisation_id) >= 1
    assert {world.plant_a.organisation_id, world.plant_b.organisation_id} & set(buyers)
    capacity = exchange.plant_capacity(
        session, actor=world.operator, plant_id=small.organisation_id, now=now
    )
    [tv] = [line for line in capacity.lines if line.category_code == "tv_flat"]
    assert tv.used_units <= 3
    assert ledger.balance(session, ledger.Accounts.party(poor.organisation_id)).minor >= 0
    assert ledger.is_balanced(session)
    assert ledger.balance_mismatches(session) == []


def test_a_batch_leaves_unmatched_lots_listed_at_a_fixed_price(
    session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    _bid(session, world.plant_b, now, 480_00, units=1)
    ids = _listed_lots(session, world, now)[:3]
    repo = ExchangeRepository(session)
    lots = [x for x in (repo.lot_for_update(i) for i in ids) if x is not None]
    awarded = exchange.match_lots(session, lots, transport_fen_per_km=800, now=now)
    assert list(awarded) == [ids[0]]
    views = [exchange.get_lot(session, actor=world.operator, lot_id=i) for i in ids]
    assert [(v.status, v.sale_method) for v in views] == [
        ("sold", "standing_bid"),
        ("listed", "fixed_price"),
        ("listed", "fixed_price"),
    ]
    [mine] = exchange.standing_bids_for(session, actor=world.plant_b, now=now)
    assert mine.units_left_this_month == 0
    assert exchange.match_lots(session, [], transport_fen_per_km=800, now=now) == {}


def test_one_close_passes_over_a_winner_whose_money_ran_out_on_an_earlier_auction(
    session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    poor = new_plant(session, world, "plant-poor", now=now, at=BAOAN, funds=600_00)
    license_plant(session, world.operator, poor, now=now, number="粤拆解-P")
    closes = now + timedelta(hours=1)
    auctioned = [
        lot(
            session,
            world,
            now=now,
            price=Money(400_00),
            sale=exchange.SaleMethod.AUCTION,
            closes_at=closes,
        )
        for _ in range(3)
    ]
    for listed in auctioned:
        exchange.place_bid(session, actor=poor, lot_id=listed.id, price=Money(500_00), now=now)
        exchange.place_bid(
            session, actor=world.plant_b, lot_id=listed.id, price=Money(450_00), now=now
        )
    assert exchange.close_due_auctions(session, now=closes, limit=10) == 3
    buyers = [
        exchange.get_lot(session, actor=world.operator, lot_id=x.id).plant_id for x in auctioned
    ]
    # The poor plant can pay for one lot: the other two go to the next bid.
    assert buyers == [
        poor.organisation_id,
        world.plant_b.organisation_id,
        world.plant_b.organisation_id,
    ]
    assert ledger.balance(session, ledger.Accounts.party(poor.organisation_id)) == Money(100_00)
    assert ledger.balance_mismatches(session) == []
    assert exchange.close_due_auctions(session, now=closes, limit=10) == 0
