"""Reception at the plant: reconciliation, discrepancies, decisions by rule and by an
operator, and where the money goes (station, plant, escrow, fees) through the ledger."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from ewaste import custody, exchange, ledger
from ewaste.identity import MissingPermission
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import World, build_world
from tests.integration.exchange.helpers import lot, units_at_station

PRICE = Money(480_00)
FEE_BP = 200
TOL_BP = 300


def _balances(session: Session, world: World) -> dict[str, int]:
    return {
        # Available + pending: an unscored station is paid into pending, to be released
        # after the holding period (settlement by tier, tests/integration/test_settlement.py).
        "station": ledger.balance(
            session, ledger.Accounts.party(world.station_a.organisation_id)
        ).minor
        + ledger.balance(
            session, ledger.Accounts.party_pending(world.station_a.organisation_id)
        ).minor,
        "plant": ledger.balance(
            session, ledger.Accounts.party(world.plant_a.organisation_id)
        ).minor,
        "escrow": ledger.balance(session, ledger.Accounts.ESCROW).minor,
        "fees": ledger.balance(session, ledger.Accounts.PLATFORM_FEES).minor,
    }


def _shipped(session: Session, world: World, now: datetime, *, count: int) -> exchange.LotView:
    listed = lot(session, world, now=now, count=count, price=PRICE)
    exchange.buy_lot(session, actor=world.plant_a, lot_id=listed.id, now=now)
    return exchange.ship_lot(session, actor=world.station_a, lot_id=listed.id, now=now)


def _receive(
    session: Session,
    world: World,
    shipped: exchange.LotView,
    now: datetime,
    *,
    codes: list[str],
    grams: int,
    evidence: tuple[str, ...] = (),
) -> exchange.LotView:
    return exchange.receive_lot(
        session,
        actor=world.plant_a,
        lot_id=shipped.id,
        unit_codes=codes,
        load_grams=grams,
        now=now,
        tolerance_basis_points=TOL_BP,
        fee_basis_points=FEE_BP,
        evidence=evidence,
    )


def _door_grams(session: Session, codes: list[str]) -> int:
    return sum(u.door_grams for u in custody.units_by_codes(session, codes))


def test_a_reception_that_matches_releases_escrow_less_the_fee(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=2)
    before = _balances(session, world)
    received = _receive(
        session, world, shipped, now, codes=list(shipped.unit_codes), grams=shipped.grams
    )
    after = _balances(session, world)
    assert received.status == "received"
    assert after["escrow"] - before["escrow"] == -PRICE.minor
    assert after["station"] - before["station"] == PRICE.minor - 960
    assert after["fees"] - before["fees"] == 960
    assert after["plant"] == before["plant"]
    with pytest.raises(exchange.DiscrepancyNotFound):
        exchange.get_discrepancy(session, actor=world.plant_a, lot_id=shipped.id)


def test_a_reconciliation_with_missing_units_opens_a_discrepancy_and_the_money_follows_the_decision(
    session: Session, clock: FrozenClock
) -> None:
    """Rule decision: 1 of 3 units missing, the weight of the two received within tolerance.
    The price is cut pro rata (2/3 of ¥480 = ¥320); the station gets ¥320 less 2 %, the plant
    ¥160 back, escrow nothing left, fees ¥6.40; the missing unit shows in its custody trail."""
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=3)
    codes = list(shipped.unit_codes)
    arrived, lost = codes[:2], codes[2]
    before = _balances(session, world)
    received = _receive(
        session,
        world,
        shipped,
        now,
        codes=arrived,
        grams=_door_grams(session, arrived),
        evidence=("photo:dock/1.jpg", "ticket:wb-77"),
    )
    after = _balances(session, world)
    assert received.status == "received"  # disputed, then resolved by the rule
    found = exchange.get_discrepancy(session, actor=world.station_a, lot_id=shipped.id)
    assert found.status == "decided"
    assert found.decided_by == "rule"
    assert found.kinds == ("missing_units",)
    assert (found.missing_units, found.extra_units) == (1, 0)
    assert found.missing_codes == (lost,)
    assert found.evidence == ("photo:dock/1.jpg", "ticket:wb-77")
    assert found.adjusted_price == Money(320_00)
    assert [h.event for h in found.history] == ["open", "decide_by_rule"]
    assert after["station"] - before["station"] == 320_00 - 640
    assert after["fees"] - before["fees"] == 640
    assert after["plant"] - before["plant"] == 160_00
    assert after["escrow"] - before["escrow"] == -PRICE.minor
    assert sum(after.values()) == sum(before.values())  # nothing created or lost
    assert ledger.is_balanced(session)
    trail = custody.trace_unit(session, actor=world.regulator, unit_code=lost)
    assert [s.kind for s in trail.steps][-1] == "unit:missing:reception"
    assert custody.units_by_codes(session, [lost])[0].status == "missing"
    assert custody.units_by_codes(session, [arrived[0]])[0].status == "at_plant"
    contract = exchange.get_contract(session, actor=world.plant_a, contract_id=found.contract_id)
    assert contract.status == "received"


def test_an_operator_decides_a_discrepancy_and_the_money_follows_the_decision(
    session: Session, clock: FrozenClock
) -> None:
    """Operator decision: one unit missing and the load far too heavy, plus a scanned code
    that is not in the lot. Nothing moves until the operator settles at ¥300."""
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=3)
    stray = units_at_station(session, world, now=now, count=1)[0]  # the station's, unlisted
    codes = list(shipped.unit_codes)
    before = _balances(session, world)
    disputed = _receive(
        session, world, shipped, now, codes=[*codes[:2], stray], grams=shipped.grams * 3
    )
    assert disputed.status == "disputed"
    assert _balances(session, world) == before  # the money waits in escrow
    found = exchange.get_discrepancy(session, actor=world.plant_a, lot_id=shipped.id)
    assert found.status == "open"
    assert found.kinds == ("missing_units", "extra_units", "weight")
    assert found.extra_codes == (stray,)
    assert found.proposed_price == Money(320_00)
    assert custody.units_by_codes(session, [stray])[0].status == "at_station"  # not passed on
    with pytest.raises(MissingPermission):
        exchange.decide_discrepancy(
            session,
            actor=world.plant_a,
            lot_id=shipped.id,
            adjusted_price=Money(1),
            reason="mine",
            now=now,
            fee_basis_points=FEE_BP,
        )
    with pytest.raises(exchange.InvalidAdjustedPrice):
        exchange.decide_discrepancy(
            session,
            actor=world.operator,
            lot_id=shipped.id,
            adjusted_price=PRICE + Money(1),
            reason="too much",
            now=now,
            fee_basis_points=FEE_BP,
        )
    with pytest.raises(exchange.InvalidDecisionReason):
        exchange.decide_discrepancy(
            session,
            actor=world.operator,
            lot_id=shipped.id,
            adjusted_price=Money(300_00),
            reason="   ",
            now=now,
            fee_basis_points=FEE_BP,
        )
    assert _balances(session, world) == before
    decided = exchange.decide_discrepancy(
        session,
        actor=world.operator,
        lot_id=shipped.id,
        adjusted_price=Money(300_00),
        reason="heavy load: wet units, one missing",
        now=now,
        fee_basis_points=FEE_BP,
    )
    after = _balances(session, world)
    assert (decided.status, decided.decided_by) == ("decided", "operator")
    assert decided.adjusted_price == Money(300_00)
    assert after["station"] - before["station"] == 300_00 - 600
    assert after["fees"] - before["fees"] == 600
    assert after["plant"] - before["plant"] == 180_00
    assert after["escrow"] - before["escrow"] == -PRICE.minor
    assert sum(after.values()) == sum(before.values())
    assert exchange.get_lot(session, actor=world.station_a, lot_id=shipped.id).status == "received"
    with pytest.raises(exchange.IllegalDiscrepancyTransition):  # exactly once
        exchange.decide_discrepancy(
            session,
            actor=world.operator,
            lot_id=shipped.id,
            adjusted_price=Money(1),
            reason="again",
            now=now,
            fee_basis_points=FEE_BP,
        )
    assert _balances(session, world) == after
    seen = exchange.discrepancies_for(session, actor=world.station_a)
    assert [d.lot_id for d in seen] == [shipped.id]
    assert exchange.discrepancies_for(session, actor=world.station_b) == []
    assert exchange.discrepancies_for(session, actor=world.household_a) == []
    assert len(exchange.discrepancies_for(session, actor=world.regulator, status="decided")) == 1


def test_others_cannot_see_a_discrepancy(session: Session, clock: FrozenClock) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=2)
    _receive(session, world, shipped, now, codes=list(shipped.unit_codes), grams=1)
    for outsider in (world.plant_b, world.station_b, world.household_a):
        with pytest.raises((exchange.LotNotFound, exchange.DiscrepancyNotFound)):
            exchange.get_discrepancy(session, actor=outsider, lot_id=shipped.id)
    assert exchange.get_discrepancy(session, actor=world.regulator, lot_id=shipped.id).kinds == (
        "weight",
    )


def test_bad_reception_input_changes_nothing(session: Session, clock: FrozenClock) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=2)
    listed = lot(session, world, now=now)
    before = _balances(session, world)
    with pytest.raises(exchange.InvalidEvidence):
        _receive(
            session,
            world,
            shipped,
            now,
            codes=list(shipped.unit_codes),
            grams=shipped.grams,
            evidence=("not a reference!",),
        )
    with pytest.raises(custody.InvalidUnitCode):
        _receive(session, world, shipped, now, codes=["nonsense"], grams=shipped.grams)
    with pytest.raises(exchange.LotNotFound):  # not bought by this plant
        _receive(session, world, listed, now, codes=list(listed.unit_codes), grams=listed.grams)
    assert _balances(session, world) == before
    assert exchange.get_lot(session, actor=world.plant_a, lot_id=shipped.id).status == "shipped"
    assert custody.units_by_codes(session, list(shipped.unit_codes))[0].status == "in_transit"


def test_a_decision_on_a_lot_without_discrepancy_is_not_found(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = build_world(session, now=now)
    shipped = _shipped(session, world, now, count=1)
    with pytest.raises(exchange.DiscrepancyNotFound):
        exchange.decide_discrepancy(
            session,
            actor=world.operator,
            lot_id=shipped.id,
            adjusted_price=Money(1),
            reason="nothing to decide",
            now=now,
            fee_basis_points=FEE_BP,
        )


def test_an_auctioned_lot_settles_the_contract_price_not_the_reserve(
    session: Session, clock: FrozenClock
) -> None:
    """Escrow holds what the plant paid at award; reception releases exactly that."""
    now = clock.now()
    world = build_world(session, now=now)
    listed = lot(session, world, now=now, price=Money(100_00), count=2)
    exchange.buy_lot(session, actor=world.plant_a, lot_id=listed.id, now=now)  # fixed: ¥100
    shipped = exchange.ship_lot(session, actor=world.station_a, lot_id=listed.id, now=now)
    before = _balances(session, world)
    _receive(session, world, shipped, now, codes=[shipped.unit_codes[0]], grams=1)
    found = exchange.get_discrepancy(session, actor=world.operator, lot_id=listed.id)
    assert found.contract_price == Money(100_00)
    exchange.decide_discrepancy(
        session,
        actor=world.operator,
        lot_id=listed.id,
        adjusted_price=Money(0),
        reason="nothing usable arrived",
        now=now,
        fee_basis_points=FEE_BP,
    )
    after = _balances(session, world)
    assert after["plant"] - before["plant"] == 100_00  # everything refunded
    assert after["station"] == before["station"]
    assert after["escrow"] - before["escrow"] == -100_00
