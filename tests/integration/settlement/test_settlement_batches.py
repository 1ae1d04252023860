"""Awards made in a batch (standing-bid matching, auction closes) are settled in one pass
(`settlement.record_sales`) and advance a top-tier station exactly what awarding the lots one
at a time would: sale after sale, up to what is left of its limit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import exchange, ledger, settlement
from ewaste.exchange.repository import ExchangeRepository
from ewaste.identity import Actor
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from tests.factories import build_world, license_plant
from tests.integration.exchange.helpers import lot, new_plant
from tests.integration.settlement.helpers import score

FUTIAN_EAST = GeoPoint(22.5450, 114.0900)
LIMIT = 20_000_00  # the top tier's advance limit (credit.DEFAULT_POLICY)
PER_UNIT = 6_000_00
UNITS = (1, 2, 1, 1, 2, 1)


def _expected_advances(units: tuple[int, ...]) -> list[int]:
    outstanding, advances = 0, []
    for count in units:
        price = PER_UNIT * count
        share = price - price * 200 // 10_000
        advance = max(0, min(share, LIMIT - outstanding))
        outstanding += advance
        advances.append(advance)
    return advances


def _advanced(session: Session, station: Actor, lot_ids: list[int], now: datetime) -> list[int]:
    seen = settlement.settlement_for(session, actor=station, now=now)
    by_source = {view.source: view.advanced.minor for view in seen.recent}
    return [by_source[f"lot:{lot_id}"] for lot_id in lot_ids]


def test_a_matching_batch_advances_lot_after_lot_up_to_the_limit(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    score(session, world.station_a.organisation_id, 800, at=now)
    rich = new_plant(session, world, "plant-rich", now=now, at=FUTIAN_EAST, funds=10**9)
    license_plant(session, world.operator, rich, now=now, number="粤拆解-R")
    exchange.post_standing_bid(
        session,
        actor=rich,
        category="tv_flat",
        basis=exchange.PriceBasis.UNIT,
        price=Money(PER_UNIT),
        radius_km=200,
        units_per_month=100,
        now=now,
    )
    ids = [lot(session, world, now=now, count=n, price=Money(100_00)).id for n in UNITS]
    fund_before = ledger.balance(session, ledger.Accounts.GUARANTEE_FUND)
    repo = ExchangeRepository(session)
    lots = [x for x in (repo.lot_for_update(i) for i in ids) if x is not None]

    awarded = exchange.match_lots(session, lots, transport_fen_per_km=800, now=now)

    assert sorted(awarded) == sorted(ids)
    expected = _expected_advances(UNITS)
    assert _advanced(session, world.station_a, ids, now) == expected
    assert sum(expected) == LIMIT  # the limit was reached inside the batch
    fund_after = ledger.balance(session, ledger.Accounts.GUARANTEE_FUND)
    assert (fund_before - fund_after).minor == LIMIT
    assert ledger.check_ledger(session).ok


def test_an_auction_close_batch_settles_every_award_once(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    score(session, world.station_a.organisation_id, 800, at=now)
    rich = new_plant(session, world, "plant-rich", now=now, at=FUTIAN_EAST, funds=10**9)
    license_plant(session, world.operator, rich, now=now, number="粤拆解-R")
    ids: list[int] = []
    for count in UNITS:
        auctioned = lot(
            session,
            world,
            now=now,
            count=count,
            price=Money(100_00),
            sale=exchange.SaleMethod.AUCTION,
            closes_at=now + timedelta(hours=1),
        )
        exchange.place_bid(
            session, actor=rich, lot_id=auctioned.id, price=Money(PER_UNIT * count), now=now
        )
        ids.append(auctioned.id)

    closed = exchange.close_due_auctions(session, now=now + timedelta(hours=2), limit=100)

    assert closed == len(UNITS)
    assert _advanced(session, world.station_a, ids, now) == _expected_advances(UNITS)
    settlement.record_sales(  # recorded once: a second record changes nothing
        session,
        [settlement.Sale(f"lot:{i}", world.station_a.organisation_id, 0, Money(1)) for i in ids],
        now=now,
    )
    assert _advanced(session, world.station_a, ids, now) == _expected_advances(UNITS)
    assert ledger.check_ledger(session).ok
