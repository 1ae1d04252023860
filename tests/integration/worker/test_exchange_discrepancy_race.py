"""Two operators deciding the same discrepancy at the same moment, on PostgreSQL with real
commits: exactly one decision, escrow settled once, nothing created or lost."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ewaste import exchange, ledger
from ewaste.db.uow import transaction
from ewaste.identity import Actor, Role
from ewaste.kernel.money import Money
from tests.conftest import T0
from tests.factories import build_world, make_party
from tests.integration.exchange.helpers import lot
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

ROUNDS = 5


def _race(factory: sessionmaker[Session], lot_id: int, operators: tuple[Actor, Actor]) -> list[str]:
    """Both operators decide the lot's discrepancy at once; return what each got."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor: Actor, price: int) -> None:
        barrier.wait(timeout=10)
        try:
            with transaction(factory) as s:
                exchange.decide_discrepancy(
                    s,
                    actor=actor,
                    lot_id=lot_id,
                    adjusted_price=Money(price),
                    reason="race",
                    now=T0,
                    fee_basis_points=200,
                )
            outcomes.append("decided")
        except exchange.IllegalDiscrepancyTransition:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=decide, args=(operators[0], 400_00)),
        threading.Thread(target=decide, args=(operators[1], 300_00)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_operators_decide_a_discrepancy_once(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
        second = make_party(session, Role.OPERATOR, "operator-2", now=T0)
        lots = []
        for _ in range(ROUNDS):
            listed = lot(session, world, now=T0, count=2, price=Money(480_00))
            exchange.buy_lot(session, actor=world.plant_a, lot_id=listed.id, now=T0)
            exchange.ship_lot(session, actor=world.station_a, lot_id=listed.id, now=T0)
            exchange.receive_lot(
                session,
                actor=world.plant_a,
                lot_id=listed.id,
                unit_codes=list(listed.unit_codes),
                load_grams=1,
                now=T0,
                tolerance_basis_points=300,
                fee_basis_points=200,
            )
            lots.append(listed.id)
        escrow_before = ledger.balance(session, ledger.Accounts.ESCROW)
    for lot_id in lots:
        assert sorted(_race(race_db, lot_id, (world.operator, second))) == ["decided", "refused"]
    with transaction(race_db) as session:
        assert ledger.balance(session, ledger.Accounts.ESCROW) == escrow_before - Money(
            480_00 * ROUNDS
        )
        assert ledger.is_balanced(session)
        assert ledger.balance_mismatches(session) == []
        decided = exchange.discrepancies_for(session, actor=world.operator, status="decided")
        assert len(decided) == ROUNDS
        for lot_id in lots:
            view = exchange.get_lot(session, actor=world.operator, lot_id=lot_id)
            assert view.status == "received"
