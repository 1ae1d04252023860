"""The whole chain through the services, on the test database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste import analytics, compliance, custody, exchange, ledger
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import build_world, listed_lot


def test_a_unit_travels_from_quote_to_dismantling(session: Session, clock: FrozenClock) -> None:
    world = build_world(session, now=clock.now())
    lot = listed_lot(session, world, now=clock.now())
    exchange.buy_lot(session, actor=world.plant_a, lot_id=lot.id, now=clock.now())
    exchange.ship_lot(session, actor=world.station_a, lot_id=lot.id, now=clock.now())
    received = exchange.receive_lot(
        session,
        actor=world.plant_a,
        lot_id=lot.id,
        unit_codes=list(lot.unit_codes),
        load_grams=lot.grams,
        now=clock.now(),
        tolerance_basis_points=300,
        fee_basis_points=200,
    )
    assert received.status == "received"
    code = lot.unit_codes[0]
    compliance.record_dismantling(
        session,
        actor=world.plant_a,
        unit_code=code,
        line="L1",
        fractions={"plastics": 5000, "glass": 3000, "circuit_boards": 1000},
        now=clock.now(),
    )
    trace = custody.trace_unit(session, actor=world.regulator, unit_code=code)
    assert [s.kind for s in trace.steps] == [
        "unit:collect:door",
        "unit:deliver:station",
        "unit:ship:dispatch",
        "unit:receive:plant",
        "unit:dismantle:record",
    ]
    assert trace.complete
    assert ledger.balance(session, ledger.Accounts.PLATFORM_FEES) == Money(960)
    assert ledger.balance(session, ledger.Accounts.ESCROW) == Money(0)
    overview = analytics.overview(session)
    assert overview.ledger_balanced
    assert (overview.chains_complete, overview.chains_total) == (1, 1)
