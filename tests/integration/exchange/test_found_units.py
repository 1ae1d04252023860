"""A unit the reception reported missing turns up at the plant afterwards: the plant
receives it on the lot, its custody continues at the plant, and the plant pays the station
its pro rata share (less the fee) — once, never beyond the contract price, nothing created
or lost; anything else is refused and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
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


def _missing_two(session: Session, world: World, now: datetime) -> tuple[int, list[str]]:
    """A lot of 3 units received with 2 missing (decided by the rule: 1/3 of ¥480)."""
    shipped = _shipped(session, world, now, count=3)
    codes = list(shipped.unit_codes)
    _receive(session, world, shipped, now, codes=codes[:1], grams=_door_grams(session, codes[:1]))
    return shipped.id, codes[1:]


def _found(
    session: Session, world: World, lot_id: int, code: str, now: datetime
) -> exchange.DiscrepancyView:
    return exchange.receive_found_unit(
        session,
        actor=world.plant_a,
        lot_id=lot_id,
        unit_code=code,
        now=now,
        fee_basis_points=FEE_BP,
        evidence=("photo:truck/2.jpg",),
    )


def test_a_unit_found_later_is_received_and_paid_for_pro_rata(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, second) = _missing_two(session, world, now)
    before = _balances(session, world)
    later = now + timedelta(hours=3)
    view = _found(session, world, lot_id, second.lower(), later)  # scanned in any case
    after = _balances(session, world)
    # 2/3 of ¥480 less 1/3 already paid: ¥160; the station gets it less 2 %.
    assert [(f.unit_code, f.paid) for f in view.found] == [(second, Money(160_00))]
    assert after["plant"] - before["plant"] == -160_00
    assert after["station"] - before["station"] == 160_00 - 320
    assert after["fees"] - before["fees"] == 320
    assert sum(after.values()) == sum(before.values())
    assert ledger.is_balanced(session)
    unit = custody.units_by_codes(session, [second])[0]
    assert (unit.status, unit.holder_id) == ("at_plant", world.plant_a.organisation_id)
    trail = custody.trace_unit(session, actor=world.regulator, unit_code=second)
    assert [s.kind for s in trail.steps][-2:] == ["unit:missing:reception", "unit:receive:plant"]
    assert trail.problems == ()
    assert view.history[-1].event == "unit_found"
    assert (view.missing_codes, view.still_missing) == (tuple(sorted((first, second))), (first,))
    assert exchange.lots_for(session, actor=world.plant_a)[0].received_units == 2
    # The last one too: in the end the station has the whole price, and not a fen more.
    _found(session, world, lot_id, first, later)
    final = _balances(session, world)
    assert final["plant"] - before["plant"] == -320_00
    found = exchange.get_discrepancy(session, actor=world.station_a, lot_id=lot_id)
    assert sum(f.paid.minor for f in found.found) + (found.adjusted_price or Money(0)).minor == (
        PRICE.minor
    )
    # The unit can be dismantled and certified like any other now.
    assert custody.units_by_codes(session, [first])[0].status == "at_plant"


def test_an_operator_decision_that_paid_in_full_is_not_paid_twice(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=2)
    codes = list(shipped.unit_codes)
    # One unit missing and a load far too heavy: an operator decides, at the full price.
    _receive(session, world, shipped, now, codes=codes[:1], grams=10 * _door_grams(session, codes))
    with pytest.raises(exchange.DiscrepancyStillOpen):
        _found(session, world, shipped.id, codes[1], now)
    exchange.decide_discrepancy(
        session,
        actor=world.operator,
        lot_id=shipped.id,
        adjusted_price=PRICE,
        reason="the plant confirmed by phone that both units arrived",
        now=now,
        fee_basis_points=FEE_BP,
    )
    before = _balances(session, world)
    view = _found(session, world, shipped.id, codes[1], now)
    assert view.found[0].paid == Money(0)
    assert _balances(session, world) == before
    assert custody.units_by_codes(session, [codes[1]])[0].status == "at_plant"


def test_what_is_not_a_missing_unit_of_the_lot_is_refused_and_changes_nothing(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, _) = _missing_two(session, world, now)
    before = _balances(session, world)
    received = exchange.get_discrepancy(session, actor=world.plant_a, lot_id=lot_id)
    delivered = next(
        c
        for c in exchange.lots_for(session, actor=world.plant_a)[0].unit_codes
        if c not in received.missing_codes
    )
    with pytest.raises(exchange.UnitNotMissing):
        _found(session, world, lot_id, delivered, now)  # it arrived with the lot
    with pytest.raises(custody.InvalidUnitCode):
        _found(session, world, lot_id, "not a code", now)
    with pytest.raises(exchange.LotNotFound):
        exchange.receive_found_unit(
            session,
            actor=world.plant_b,
            lot_id=lot_id,
            unit_code=first,
            now=now,
            fee_basis_points=FEE_BP,
        )
    with pytest.raises(exchange.LotNotFound):
        exchange.receive_found_unit(
            session,
            actor=world.station_a,
            lot_id=lot_id,
            unit_code=first,
            now=now,
            fee_basis_points=FEE_BP,
        )
    assert _balances(session, world) == before
    _found(session, world, lot_id, first, now)
    with pytest.raises(exchange.UnitNotMissing):
        _found(session, world, lot_id, first, now)  # found once


def test_a_plant_that_cannot_pay_is_refused_and_nothing_changes(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, _) = _missing_two(session, world, now)
    plant = ledger.Accounts.party(world.plant_a.organisation_id)
    balance = ledger.balance(session, plant)
    ledger.post_entry(  # the plant's whole balance leaves for its bank
        session,
        entry=ledger.JournalEntry(
            idempotency_key="test:drain-plant",
            occurred_at=now,
            description="test: the plant withdraws everything",
            source="test",
            lines=ledger.transfer(payer=plant, payee=ledger.Accounts.BANK, amount=balance),
        ),
    )
    with pytest.raises(ledger.InsufficientFunds), session.begin_nested():
        _found(session, world, lot_id, first, now)
    assert custody.units_by_codes(session, [first])[0].status == "missing"
    assert exchange.get_discrepancy(session, actor=world.plant_a, lot_id=lot_id).found == ()


def test_found_units_are_append_only(session: Session, clock: FrozenClock) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, (first, _) = _missing_two(session, world, now)
    _found(session, world, lot_id, first, now)
    for statement in ("UPDATE lot_found_unit SET paid_fen = 0", "DELETE FROM lot_found_unit"):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement))


def test_once_every_missing_unit_is_found_the_station_lost_no_dispute(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    lot_id, found_later = _missing_two(session, world, now)
    station = world.station_a.organisation_id
    later = now + timedelta(days=1)

    def lost() -> int:
        return histories(session, [(station, "station")], now=later)[station].disputes_lost

    assert lost() == 1
    _found(session, world, lot_id, found_later[0], now)
    assert lost() == 1  # one unit is still missing: the price paid is still short
    _found(session, world, lot_id, found_later[1], now)
    assert lost() == 0


def test_a_wipe_cannot_be_dated_while_the_phone_was_missing(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    phones = lot(session, world, now=now, count=2, category="mobile_phone", price=Money(80_00))
    exchange.buy_lot(session, actor=world.plant_a, lot_id=phones.id, now=now)
    exchange.ship_lot(session, actor=world.station_a, lot_id=phones.id, now=now)
    arrived, lost = phones.unit_codes
    _receive(session, world, phones, now, codes=[arrived], grams=_door_grams(session, [arrived]))
    found_at = now + timedelta(hours=3)
    _found(session, world, phones.id, lost, found_at)
    wipe = {
        "actor": world.plant_a,
        "unit_code": lost,
        "method": "overwrite",
        "operator_ref": "WS-9",
        "now": found_at + timedelta(hours=1),
    }
    with pytest.raises(custody.InvalidWipe):  # the station held it then, not the plant
        custody.record_data_wipe(session, wiped_at=now + timedelta(hours=1), **wipe)  # type: ignore[arg-type]
    asked = custody.record_data_wipe(session, wiped_at=found_at, **wipe)  # type: ignore[arg-type]
    assert asked.status == "requested"
