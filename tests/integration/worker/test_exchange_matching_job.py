"""The worker's standing-bid job: lots listed for standing bids wait in a queue and are
matched by the job, each exactly once, also with two workers racing (PostgreSQL)."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import exchange, ledger
from ewaste.db.uow import transaction
from ewaste.exchange.models import Contract
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from ewaste.worker import JOBS, run_due_jobs
from tests.conftest import T0
from tests.factories import build_world
from tests.integration.worker.test_exchange_races import _funded_phone_plant, _single_unit_lots
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

LOTS = 40


def test_the_job_matches_waiting_lots_once_and_lists_the_rest_at_their_price(
    session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=T0)
    plant = _funded_phone_plant(session, world, "job-plant")
    exchange.post_standing_bid(
        session,
        actor=plant,
        category="mobile_phone",
        basis=exchange.PriceBasis.UNIT,
        price=Money(150_00),
        radius_km=200,
        units_per_month=3,
        now=T0,
    )
    lots = _single_unit_lots(session, world, 5, sale=exchange.SaleMethod.STANDING_BID)
    assert {lot.status for lot in lots} == {"listed"}  # queued, not matched at listing
    with pytest.raises(exchange.NotAnAuction):  # a queued lot is not a fixed-price offer yet
        exchange.buy_lot(session, actor=plant, lot_id=lots[0].id, now=T0)
    claimed = exchange.match_waiting_lots(session, now=T0, limit=2, transport_fen_per_km=800)
    assert claimed == 2
    claimed += exchange.match_waiting_lots(session, now=T0, limit=10, transport_fen_per_km=800)
    assert claimed == 5
    assert exchange.match_waiting_lots(session, now=T0, limit=10, transport_fen_per_km=800) == 0
    after = [exchange.get_lot(session, actor=world.station_a, lot_id=lot.id) for lot in lots]
    assert [(lot.status, lot.sale_method) for lot in after] == [
        ("sold", "standing_bid"),
        ("sold", "standing_bid"),
        ("sold", "standing_bid"),
        ("listed", "fixed_price"),  # the bid's 3 units a month are spent
        ("listed", "fixed_price"),
    ]
    assert ledger.is_balanced(session)


@pytest.mark.postgres_only
def test_two_workers_match_each_waiting_lot_exactly_once(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
        plant = _funded_phone_plant(session, world, "job-racer")
        exchange.post_standing_bid(
            session,
            actor=plant,
            category="mobile_phone",
            basis=exchange.PriceBasis.UNIT,
            price=Money(150_00),
            radius_km=200,
            units_per_month=10_000,
            now=T0,
        )
        _single_unit_lots(session, world, LOTS, sale=exchange.SaleMethod.STANDING_BID)
    clock = FrozenClock(T0)
    only = tuple(replace(job, batch=3) for job in JOBS if job.name == "match_standing_bids")
    barrier = threading.Barrier(2)
    claimed: list[int] = []

    def worker() -> None:
        barrier.wait(timeout=10)
        claimed.append(run_due_jobs(race_db, clock, jobs=only)["match_standing_bids"])

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(claimed) == LOTS, claimed
    with transaction(race_db) as session:
        contracts = session.scalar(select(func.count()).select_from(Contract))
        distinct = session.scalar(select(func.count(func.distinct(Contract.lot_id))))
        assert contracts == distinct == LOTS
        assert ledger.balance(session, ledger.Accounts.ESCROW) == Money(150_00 * LOTS)
        assert ledger.is_balanced(session)
    assert run_due_jobs(race_db, clock, jobs=only)["match_standing_bids"] == 0
