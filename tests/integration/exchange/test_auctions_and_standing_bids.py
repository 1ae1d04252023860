"""Sealed-bid auctions and standing bids, through the services, on either database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from ewaste import exchange, ledger
from ewaste.exchange import rules
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import NANSHAN, World, build_world, license_plant
from tests.integration.exchange.helpers import lot, new_plant


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def _auction(session: Session, world: World, clock: FrozenClock) -> exchange.LotView:
    return lot(
        session,
        world,
        now=clock.now(),
        price=Money(400_00),
        sale=exchange.SaleMethod.AUCTION,
        closes_at=clock.now() + timedelta(hours=1),
    )


class TestSealedBidAuction:
    def test_highest_bid_wins_ties_go_to_the_earliest(
        self, session: Session, world: World, clock: FrozenClock
    ) -> None:
        third = new_plant(session, world, "plant-c", now=clock.now(), at=NANSHAN, funds=10**8)
        license_plant(session, world.operator, third, now=clock.now(), number="L-c")
        auctioned = _auction(session, world, clock)
        for plant, price, minutes in (
            (world.plant_a, 450_00, 1),
            (third, 500_00, 2),
            (world.plant_b, 500_00, 3),
        ):
            exchange.place_bid(
                session,
                actor=plant,
                lot_id=auctioned.id,
                price=Money(price),
                now=clock.now() + timedelta(minutes=minutes),
            )
        escrow = ledger.balance(session, ledger.Accounts.ESCROW)
        assert exchange.close_due_auctions(session, now=clock.now(), limit=10) == 0
        closed = exchange.close_due_auctions(
            session, now=clock.now() + timedelta(hours=1), limit=10
        )
        assert closed == 1
        assert (
            exchange.close_due_auctions(session, now=clock.now() + timedelta(hours=2), limit=10)
            == 0
        )
        sold = exchange.get_lot(session, actor=world.operator, lot_id=auctioned.id)
        assert (sold.status, sold.plant_id) == ("sold", third.organisation_id)
        [contract] = exchange.contracts_for(session, actor=third)
        assert (contract.method, contract.price) == ("auction", Money(500_00))
        assert ledger.balance(session, ledger.Accounts.ESCROW) == escrow + Money(500_00)
        assert ledger.is_balanced(session)

    def test_bids_are_sealed_until_the_close(
        self, session: Session, world: World, clock: FrozenClock
    ) -> None:
        auctioned = _auction(session, world, clock)
        for plant in (world.plant_a, world.plant_b):
            exchange.place_bid(
                session, actor=plant, lot_id=auctioned.id, price=Money(420_00), now=clock.now()
            )
        seen_by_a = exchange.auction_of_lot(session, actor=world.plant_a, lot_id=auctioned.id)
        assert {b.plant_id for b in seen_by_a.bids} == {world.plant_a.organisation_id}
        for viewer in (world.station_a, world.operator):
            assert exchange.auction_of_lot(session, actor=viewer, lot_id=auctioned.id).bids == ()
        exchange.close_due_auctions(session, now=clock.now() + timedelta(hours=1), limit=10)
        after = exchange.auction_of_lot(session, actor=world.station_a, lot_id=auctioned.id)
        assert len(after.bids) == 2
        assert after.winning_bid_id is not None
        loser = next(
            p for p in (world.plant_a, world.plant_b) if p.organisation_id != after_winner(after)
        )
        with pytest.raises(exchange.LotNotFound):  # a sold lot is its buyer's and seller's
            exchange.auction_of_lot(session, actor=loser, lot_id=auctioned.id)

    def test_refusals(self, session: Session, world: World, clock: FrozenClock) -> None:
        auctioned = _auction(session, world, clock)
        with pytest.raises(exchange.BidBelowReserve):
            exchange.place_bid(
                session,
                actor=world.plant_a,
                lot_id=auctioned.id,
                price=Money(399_99),
                now=clock.now(),
            )
        exchange.place_bid(
            session, actor=world.plant_a, lot_id=auctioned.id, price=Money(400_00), now=clock.now()
        )
        with pytest.raises(exchange.AlreadyBid):
            exchange.place_bid(
                session,
                actor=world.plant_a,
                lot_id=auctioned.id,
                price=Money(900_00),
                now=clock.now(),
            )
        with pytest.raises(exchange.NotAnAuction):
            exchange.buy_lot(session, actor=world.plant_b, lot_id=auctioned.id, now=clock.now())
        with pytest.raises(exchange.AuctionClosed):
            exchange.place_bid(
                session,
                actor=world.plant_b,
                lot_id=auctioned.id,
                price=Money(500_00),
                now=clock.now() + timedelta(hours=1),
            )
        with pytest.raises(exchange.InvalidClosingTime):
            lot(
                session,
                world,
                now=clock.now(),
                sale=exchange.SaleMethod.AUCTION,
                closes_at=clock.now(),
            )

    def test_no_bid_at_reserve_leaves_a_fixed_price_offer(
        self, session: Session, world: World, clock: FrozenClock
    ) -> None:
        auctioned = _auction(session, world, clock)
        exchange.close_due_auctions(session, now=clock.now() + timedelta(hours=1), limit=10)
        view = exchange.get_lot(session, actor=world.operator, lot_id=auctioned.id)
        assert (view.status, view.sale_method) == ("listed", "fixed_price")
        exchange.buy_lot(session, actor=world.plant_a, lot_id=auctioned.id, now=clock.now())


def after_winner(view: exchange.AuctionView) -> int:
    """The winning plant of a closed auction view."""
    return next(b.plant_id for b in view.bids if b.id == view.winning_bid_id)


def _standing(
    session: Session, world: World, clock: FrozenClock, plant: object, price: int, **kw: object
) -> exchange.StandingBidView:
    return exchange.post_standing_bid(
        session,
        actor=plant,  # type: ignore[arg-type]
        category=str(kw.get("category", "tv_flat")),
        basis=kw.get("basis", exchange.PriceBasis.UNIT),  # type: ignore[arg-type]
        price=Money(price),
        radius_km=int(kw.get("radius_km", 200)),  # type: ignore[call-overload]
        units_per_month=int(kw.get("units", 100)),  # type: ignore[call-overload]
        now=clock.now(),
    )


class TestStandingBids:
    def test_a_new_lot_goes_to_the_best_price_net_of_transport(
        self, session: Session, world: World, clock: FrozenClock
    ) -> None:
        # Station a is in Futian. Plant a (Longgang) is ~28 km away, plant b (Nanshan) ~13 km.
        # At ¥10/km plant a's higher gross loses to plant b's nearer offer.
        _standing(session, world, clock, world.plant_a, 600_00)
        _standing(session, world, clock, world.plant_b, 500_00)
        matched = lot(
            session,
            world,
            now=clock.now(),
            sale=exchange.SaleMethod.STANDING_BID,
            fen_per_km=1000,
        )
        assert matched.plant_id == world.plant_b.organisation_id
        assert matched.sale_method == "standing_bid"
        [contract] = exchange.contracts_for(session, actor=world.plant_b)
        assert contract.price == Money(500_00)
        assert contract.transport.minor > 0
        cheap_haul = lot(
            session, world, now=clock.now(), sale=exchange.SaleMethod.STANDING_BID, fen_per_km=100
        )
        assert cheap_haul.plant_id == world.plant_a.organisation_id
        assert ledger.is_balanced(session)

    def test_monthly_quantity_radius_and_withdrawal_are_respected(
        self, session: Session, world: World, clock: FrozenClock
    ) -> None:
        bid = _standing(session, world, clock, world.plant_a, 600_00, units=2)
        _standing(session, world, clock, world.plant_b, 100_00, radius_km=1)
        first = lot(session, world, now=clock.now(), count=2, sale=exchange.SaleMethod.STANDING_BID)
        assert first.plant_id == world.plant_a.organisation_id
        second = lot(session, world, now=clock.now(), sale=exchange.SaleMethod.STANDING_BID)
        assert (second.status, second.sale_method) == ("listed", "fixed_price")
        [mine] = exchange.standing_bids_for(session, actor=world.plant_a, now=clock.now())
        assert mine.units_left_this_month == 0
        next_month = clock.now() + timedelta(days=8)
        third = lot(session, world, now=next_month, sale=exchange.SaleMethod.STANDING_BID)
        assert third.plant_id == world.plant_a.organisation_id
        exchange.withdraw_standing_bid(session, actor=world.plant_a, bid_id=bid.id, now=next_month)
        fourth = lot(session, world, now=next_month, sale=exchange.SaleMethod.STANDING_BID)
        assert fourth.status == "listed"
        with pytest.raises(exchange.StandingBidNotFound):
            exchange.withdraw_standing_bid(
                session, actor=world.plant_b, bid_id=bid.id, now=next_month
            )

    def test_per_kg_bids_price_the_lot_by_weight(
        self, session: Session, world: World, clock: FrozenClock
    ) -> None:
        _standing(session, world, clock, world.plant_b, 30_00, basis=exchange.PriceBasis.KG)
        matched = lot(session, world, now=clock.now(), sale=exchange.SaleMethod.STANDING_BID)
        [contract] = exchange.contracts_for(session, actor=world.plant_b)
        assert contract.price.minor == 30_00 * matched.grams // 1000


OFFERS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=10**7),
        st.integers(min_value=0, max_value=10**7),
        st.integers(min_value=0, max_value=1000),
    ),
    min_size=1,
    max_size=30,
)


@given(OFFERS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_matching_ranks_by_net_price_for_the_seller_then_earliest(
    offers: list[tuple[int, int, int]],
) -> None:

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    built = [
        rules.BidOffer(i, i, gross, cost, t0 + timedelta(seconds=s))
        for i, (gross, cost, s) in enumerate(offers)
    ]
    ranked = rules.best_offers(built)
    positive = [o for o in built if o.net_fen > 0]
    assert len(ranked) == len(positive)
    if positive:
        best_net = max(o.net_fen for o in positive)
        assert ranked[0].net_fen == best_net
        earliest = min(o.posted_at for o in positive if o.net_fen == best_net)
        assert ranked[0].posted_at == earliest
    for before, after in itertools.pairwise(ranked):
        assert (-before.net_fen, before.posted_at, before.bid_id) <= (
            -after.net_fen,
            after.posted_at,
            after.bid_id,
        )
