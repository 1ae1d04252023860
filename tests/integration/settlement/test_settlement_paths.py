"""Settlement by tier, path by path, with every balance it moves: top tier paid at award
(the guarantee fund advancing), a bad advance recovered from the next sale, middle tier paid
at reception, new tier held and released once, collectors paid by their own tier, and the
advance limit. Money only moves between the accounts shown, and the journal sums to zero."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import ledger, settlement
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import World, build_world
from tests.integration.exchange.helpers import units_at_station
from tests.integration.settlement.helpers import (
    Books,
    books,
    buy,
    decide,
    listed,
    score,
    ship_and_receive,
)

PRICE = Money(480_00)
FEE = 960  # 2 % of ¥480
SHARE = PRICE.minor - FEE
TOP, MIDDLE = 800, 600


def _conserved(session: Session, before: Books, after: Books) -> None:
    assert after.total() == before.total()
    assert ledger.check_ledger(session).ok


def _of(session: Session, world: World, lot_id: int, now: datetime) -> settlement.SettlementView:
    seen = settlement.settlement_for(session, actor=world.station_a, now=now)
    (view,) = [v for v in seen.recent if v.source == f"lot:{lot_id}"]
    return view


def _owed(session: Session, world: World, now: datetime) -> Money:
    return settlement.settlement_for(session, actor=world.station_a, now=now).owed


def test_top_tier_is_paid_at_award_and_escrow_repays_the_fund_at_reception(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    score(session, world.station_a.organisation_id, TOP, at=now)
    lot_id = listed(session, world, now, price=PRICE)
    start = books(session, world)
    buy(session, world, lot_id, now)
    awarded = books(session, world).minus(start)
    assert awarded == Books(-PRICE.minor, SHARE, 0, PRICE.minor, -SHARE, 0)
    view = _of(session, world, lot_id, now)
    assert (view.tier, view.release, view.score, view.status) == (
        "top",
        "at_award",
        TOP,
        "advanced",
    )
    assert view.advanced == Money(SHARE)
    ship_and_receive(session, world, lot_id, now)
    end = books(session, world)
    assert end.minus(start) == Books(-PRICE.minor, SHARE, 0, 0, 0, FEE)
    view = _of(session, world, lot_id, now)
    assert view.status == "settled"
    assert (view.repaid, view.shortfall, view.paid) == (Money(SHARE), Money(0), Money(0))
    terms = settlement.settlement_for(session, actor=world.station_a, now=now)
    assert terms.outstanding_advances == Money(0)
    assert terms.owed == Money(0)
    _conserved(session, start, end)


def test_a_bad_advance_is_borne_by_the_fund_and_recovered_from_the_next_sale(
    session: Session, clock: FrozenClock
) -> None:
    """Advanced ¥470.40; the operator decides ¥300 (share ¥294): the fund gets ¥294 back and
    bears ¥176.40, which the station owes. Its next sale is not advanced; at its reception
    the fund takes the ¥176.40 first and the station gets the rest."""
    now = clock.now()
    world = build_world(session, now=now)
    score(session, world.station_a.organisation_id, TOP, at=now)
    first = listed(session, world, now, price=PRICE)
    start = books(session, world)
    buy(session, world, first, now)
    ship_and_receive(session, world, first, now, weighed=False)
    decide(session, world, first, now, price=Money(300_00))
    share = 300_00 - 600
    shortfall = SHARE - share
    after_first = books(session, world)
    assert after_first.minus(start) == Books(-300_00, SHARE, 0, 0, -shortfall, 600)
    view = _of(session, world, first, now)
    assert (view.repaid, view.shortfall, view.status) == (
        Money(share),
        Money(shortfall),
        "settled",
    )
    assert _owed(session, world, now) == Money(shortfall)
    _conserved(session, start, after_first)

    second = listed(session, world, now, price=PRICE)
    after_first = books(session, world)
    buy(session, world, second, now)
    assert books(session, world).minus(after_first) == Books(
        -PRICE.minor, 0, 0, PRICE.minor, 0, 0
    )  # no advance while the station owes the fund
    assert _of(session, world, second, now).advanced == Money(0)
    ship_and_receive(session, world, second, now)
    end = books(session, world)
    assert end.minus(after_first) == Books(-PRICE.minor, SHARE - shortfall, 0, 0, shortfall, FEE)
    assert end.fund == start.fund  # the fund is whole again
    view = _of(session, world, second, now)
    assert (view.recovered, view.paid) == (Money(shortfall), Money(SHARE - shortfall))
    assert _owed(session, world, now) == Money(0)
    _conserved(session, after_first, end)


def test_middle_tier_is_paid_at_reception(session: Session, clock: FrozenClock) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    score(session, world.station_a.organisation_id, MIDDLE, at=now)
    lot_id = listed(session, world, now, price=PRICE)
    start = books(session, world)
    buy(session, world, lot_id, now)
    assert books(session, world).minus(start) == Books(-PRICE.minor, 0, 0, PRICE.minor, 0, 0)
    assert _of(session, world, lot_id, now).status == "awarded"
    ship_and_receive(session, world, lot_id, now)
    end = books(session, world)
    assert end.minus(start) == Books(-PRICE.minor, SHARE, 0, 0, 0, FEE)
    view = _of(session, world, lot_id, now)
    assert (view.tier, view.status, view.paid) == ("middle", "settled", Money(SHARE))
    _conserved(session, start, end)


def test_new_tier_is_held_then_released_once_after_the_holding_period(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)  # the station is never scored: new
    lot_id = listed(session, world, now, price=PRICE)
    start = books(session, world)
    buy(session, world, lot_id, now)
    ship_and_receive(session, world, lot_id, now)
    held = books(session, world)
    assert held.minus(start) == Books(-PRICE.minor, 0, SHARE, 0, 0, FEE)
    mine = settlement.settlement_for(session, actor=world.station_a, now=now)
    (release,) = [r for r in mine.releases if r.source == f"lot:{lot_id}"]
    assert release.release_due_at == now + timedelta(days=7)
    assert mine.pending >= Money(SHARE)
    assert settlement.release_due(session, now=now + timedelta(days=7, seconds=-1), limit=100) == 0
    later = now + timedelta(days=7)
    released = settlement.release_due(session, now=later, limit=100)
    assert released >= 1  # the collector's held receipts are due too
    end = books(session, world)
    assert end.minus(start) == Books(-PRICE.minor, SHARE, 0, 0, 0, FEE)
    assert settlement.release_due(session, now=later + timedelta(days=1), limit=100) == 0
    assert books(session, world) == end
    view = _of(session, world, lot_id, later)
    assert (view.status, view.held, view.paid) == ("settled", Money(SHARE), Money(SHARE))
    keys = ledger.entry_keys_with_prefix(session, "settlement:")
    assert sum(1 for k in keys if k.endswith(":released")) == released
    _conserved(session, start, end)


def test_collectors_are_paid_by_their_own_tier_at_the_station(
    session: Session, clock: FrozenClock
) -> None:
    """A station's receipt pays the collector by the collector's tier: new, into pending
    (released after the holding period); middle, at once to its available balance."""
    now = clock.now()
    world = build_world(session, now=now)
    collectors = (world.collector_a, world.collector_b)

    def receipts() -> list[settlement.SettlementView]:
        return [
            v
            for c in collectors
            for v in settlement.settlement_for(session, actor=c, now=now).recent
            if v.source.startswith("station-receipt:")
        ]

    def pending() -> Money:
        return sum(
            (
                ledger.balance(session, ledger.Accounts.party_pending(c.organisation_id))
                for c in collectors
            ),
            Money(0),
        )

    station = ledger.Accounts.party(world.station_a.organisation_id)
    before = ledger.balance(session, station)
    units_at_station(session, world, now=now)
    paid = before - ledger.balance(session, station)
    (first,) = receipts()
    assert (first.tier, first.status, first.held, first.paid) == ("new", "held", paid, Money(0))
    assert pending() == paid
    for collector in collectors:
        score(session, collector.organisation_id, MIDDLE, at=now)
    before = ledger.balance(session, station)
    units_at_station(session, world, now=now)
    paid = before - ledger.balance(session, station)
    (second,) = [v for v in receipts() if v.id != first.id]
    assert (second.tier, second.status, second.paid) == ("middle", "settled", paid)
    assert pending() == first.held
    assert ledger.check_ledger(session).ok


def test_the_advance_stops_at_the_limit_and_the_rest_waits_for_reception(
    session: Session, clock: FrozenClock
) -> None:
    """The limit (¥20,000) counts outstanding advances: a ¥15,000 sale is advanced whole
    (¥14,700), the next ¥15,000 sale only the ¥5,300 left; its reception pays the rest."""
    now = clock.now()
    world = build_world(session, now=now)
    score(session, world.station_a.organisation_id, TOP, at=now)
    ledger.record_deposit(
        session,
        actor=world.operator,
        organisation_id=world.plant_a.organisation_id,
        amount=Money(30_000_00),
        bank_reference="limit-test",
        now=now,
    )
    price = Money(15_000_00)
    share = price.minor - 300_00
    first = listed(session, world, now, price=price)
    second = listed(session, world, now, price=price)
    start = books(session, world)
    buy(session, world, first, now)
    buy(session, world, second, now)
    assert _of(session, world, first, now).advanced == Money(share)
    assert _of(session, world, second, now).advanced == Money(20_000_00 - share)
    assert settlement.settlement_for(
        session, actor=world.station_a, now=now
    ).outstanding_advances == Money(20_000_00)
    ship_and_receive(session, world, second, now)
    view = _of(session, world, second, now)
    assert (view.repaid, view.paid) == (
        Money(20_000_00 - share),
        Money(share - (20_000_00 - share)),
    )
    end = books(session, world)
    assert end.minus(start).station == 2 * share
    assert end.minus(start).fund == -share  # the first is still advanced
    _conserved(session, start, end)
