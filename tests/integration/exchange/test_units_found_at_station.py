"""A unit the reception reported missing that was never loaded: the station that shipped
the lot finds it at home, takes it back into its stock and out of the lot, and can sell it
again; no money moves (the plant paid only for what it received), and the station still
lost the dispute. Anything else is refused and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from ewaste import custody, exchange, ledger
from ewaste.credit.history import histories
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import World, build_world
from tests.integration.exchange.helpers import lot
from tests.integration.exchange.test_exchange_reception import (
    FEE_BP,
    PRICE,
    _balances,
    _door_grams,
    _receive,
    _shipped,
)
from tests.integration.exchange.test_found_units import _found, _missing_two


def _at_home(
    session: Session, world: World, lot_id: int, code: str, now: datetime
) -> exchange.DiscrepancyView:
    return exchange.unit_found_at_station(
        session,
        actor=world.station_a,
        lot_id=lot_id,
        unit_code=code,
        now=now,
        evidence=("photo:shelf/3.jpg",),
    )


def test_a_unit_found_at_the_station_is_back_in_its_stock_and_sold_again(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, second) = _missing_two(session, world, now)
    before = _balances(session, world)
    later = now + timedelta(hours=2)
    view = _at_home(session, world, lot_id, first.lower(), later)  # typed in any case
    assert _balances(session, world) == before  # no money moves
    assert [(f.unit_code, f.paid, f.place) for f in view.found] == [(first, Money(0), "station")]
    assert view.still_missing == (second,)
    assert view.history[-1].event == "unit_found_at_station"
    unit = custody.units_by_codes(session, [first])[0]
    assert (unit.status, unit.holder_id) == ("at_station", world.station_a.organisation_id)
    trail = custody.trace_unit(session, actor=world.regulator, unit_code=first)
    assert [s.kind for s in trail.steps][-2:] == ["unit:missing:reception", "unit:find:station"]
    assert trail.problems == ()
    # The old lot keeps it in its history; the unit is free for a new lot, and its chain
    # goes on to a complete one.
    assert first in exchange.get_lot(session, actor=world.station_a, lot_id=lot_id).unit_codes
    again = exchange.create_lot(
        session, actor=world.station_a, unit_codes=[first], price=Money(200_00), now=later
    )
    with pytest.raises(exchange.UnitAlreadyInLot):  # in a lot again: not in two at once
        exchange.create_lot(
            session, actor=world.station_a, unit_codes=[first], price=Money(1_00), now=later
        )
    exchange.buy_lot(session, actor=world.plant_b, lot_id=again.id, now=later)
    shipped = exchange.ship_lot(session, actor=world.station_a, lot_id=again.id, now=later)
    received = exchange.receive_lot(
        session,
        actor=world.plant_b,
        lot_id=again.id,
        unit_codes=[first],
        load_grams=_door_grams(session, [first]),
        now=later,
        tolerance_basis_points=300,
        fee_basis_points=FEE_BP,
    )
    assert (shipped.status, received.status) == ("shipped", "received")
    trail = custody.trace_unit(session, actor=world.regulator, unit_code=first)
    assert trail.problems == ()
    assert ledger.is_balanced(session)


def test_a_unit_found_at_the_station_is_not_received_at_the_plant_and_vice_versa(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, second) = _missing_two(session, world, now)
    _at_home(session, world, lot_id, first, now)
    with pytest.raises(exchange.UnitNotMissing):
        _found(session, world, lot_id, first, now)
    with pytest.raises(exchange.UnitNotMissing):
        _at_home(session, world, lot_id, first, now)  # once
    _found(session, world, lot_id, second, now)
    with pytest.raises(exchange.UnitNotMissing):
        _at_home(session, world, lot_id, second, now)
    view = exchange.get_discrepancy(session, actor=world.plant_a, lot_id=lot_id)
    assert [(f.unit_code, f.place) for f in view.found] == [(first, "station"), (second, "plant")]
    assert view.still_missing == ()


def test_what_the_station_cannot_find_is_refused_and_changes_nothing(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, _) = _missing_two(session, world, now)
    received = exchange.get_discrepancy(session, actor=world.station_a, lot_id=lot_id)
    delivered = next(
        c
        for c in exchange.get_lot(session, actor=world.station_a, lot_id=lot_id).unit_codes
        if c not in received.missing_codes
    )
    before = _balances(session, world)
    with pytest.raises(exchange.UnitNotMissing):
        _at_home(session, world, lot_id, delivered, now)  # the plant has it
    with pytest.raises(custody.InvalidUnitCode):
        _at_home(session, world, lot_id, "not a code", now)
    for other in (world.station_b, world.plant_a, world.household_a):
        with pytest.raises(exchange.LotNotFound):
            exchange.unit_found_at_station(
                session, actor=other, lot_id=lot_id, unit_code=first, now=now
            )
    with pytest.raises(exchange.InvalidEvidence):
        exchange.unit_found_at_station(
            session,
            actor=world.station_a,
            lot_id=lot_id,
            unit_code=first,
            now=now,
            evidence=("not a reference",),
        )
    assert _balances(session, world) == before
    assert custody.units_by_codes(session, [first])[0].status == "missing"
    assert exchange.get_discrepancy(session, actor=world.station_a, lot_id=lot_id).found == ()


def test_a_matched_reception_has_nothing_to_find(session: Session, clock: FrozenClock) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=1)
    codes = list(shipped.unit_codes)
    _receive(session, world, shipped, now, codes=codes, grams=_door_grams(session, codes))
    with pytest.raises(exchange.DiscrepancyNotFound):
        _at_home(session, world, shipped.id, codes[0], now)


def test_while_an_operator_has_not_decided_the_station_may_still_find_a_unit(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=2)
    codes = list(shipped.unit_codes)
    # One unit missing and a load far too heavy: it waits for an operator.
    _receive(session, world, shipped, now, codes=codes[:1], grams=10 * _door_grams(session, codes))
    view = _at_home(session, world, shipped.id, codes[1], now)
    assert (view.status, view.still_missing) == ("open", ())


def test_a_unit_found_at_the_station_still_leaves_the_dispute_lost(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, second) = _missing_two(session, world, now)
    station = world.station_a.organisation_id

    def lost() -> int:
        return histories(session, [(station, "station")], now=now + timedelta(days=1))[
            station
        ].disputes_lost

    _at_home(session, world, lot_id, first, now)
    _found(session, world, lot_id, second, now)
    assert lost() == 1  # it listed a unit it never loaded: the price stays short


def test_a_unit_an_operator_had_the_plant_pay_for_is_not_the_stations_to_take_back(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=2)
    codes = list(shipped.unit_codes)
    _receive(session, world, shipped, now, codes=codes[:1], grams=10 * _door_grams(session, codes))
    exchange.decide_discrepancy(  # the operator believes both arrived: the full price
        session,
        actor=world.operator,
        lot_id=shipped.id,
        adjusted_price=PRICE,
        reason="the plant confirmed by phone that both units arrived",
        now=now,
        fee_basis_points=FEE_BP,
    )
    before = _balances(session, world)
    with pytest.raises(exchange.UnitPaidFor):
        _at_home(session, world, shipped.id, codes[1], now)
    assert _balances(session, world) == before
    assert custody.units_by_codes(session, [codes[1]])[0].status == "missing"


def test_a_unit_found_at_the_station_does_not_count_as_received_when_the_plant_pays(
    session: Session, clock: FrozenClock
) -> None:
    # ¥10.00 for 3 units, 1 received: the rule paid 333 fen. The station takes back one
    # missing unit, the plant finds the other: it pays 666 - 333 = 333 fen (the rule's
    # share of the second unit it has), not 1000 - 666 as if it had three.
    now = clock.now()
    world = build_world(session, now=now)
    listed = lot(session, world, now=now, count=3, price=Money(10_00))
    exchange.buy_lot(session, actor=world.plant_a, lot_id=listed.id, now=now)
    shipped = exchange.ship_lot(session, actor=world.station_a, lot_id=listed.id, now=now)
    first, home, truck = shipped.unit_codes
    _receive(session, world, shipped, now, codes=[first], grams=_door_grams(session, [first]))
    _at_home(session, world, shipped.id, home, now)
    view = _found(session, world, shipped.id, truck, now)
    assert [(f.unit_code, f.paid.minor) for f in view.found] == [(home, 0), (truck, 333)]
    assert (view.adjusted_price or Money(0)).minor + 333 == 666
