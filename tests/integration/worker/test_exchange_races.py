"""The exchange under races, on PostgreSQL with real commits: two workers close each auction
exactly once; 50 plants buying the same lot at once make exactly one contract, 200 times.
No money is made or lost."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import exchange, ledger
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.exchange.models import Auction, Contract
from ewaste.identity import Actor, Role
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from ewaste.worker import JOBS, run_due_jobs
from tests.conftest import T0
from tests.factories import NANSHAN, World, build_world, license_plant, make_party
from tests.integration.exchange.helpers import units_at_station
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

AUCTIONS = 40
ROUNDS = 200
ATTEMPTS = 50


def _single_unit_lots(
    session: Session, world: World, count: int, **sale: object
) -> list[exchange.LotView]:
    ledger.record_deposit(
        session,
        actor=world.operator,
        organisation_id=world.collector_a.organisation_id,
        amount=Money(100_000_00),
        bank_reference=f"race-float-{count}",
        now=T0,
    )
    codes: list[str] = []
    while len(codes) < count:
        codes += units_at_station(session, world, now=T0, count=50, category="mobile_phone")
    return [
        exchange.create_lot(
            session,
            actor=world.station_a,
            unit_codes=[code],
            price=Money(30_00),
            now=T0,
            **sale,  # type: ignore[arg-type]
        )
        for code in codes[:count]
    ]


def _funded_phone_plant(
    session: Session, world: World, name: str, *, units: int = 1_000_000
) -> Actor:
    """A plant with 10,000 yuan and a licence for `units` mobile phones a year."""
    plant = make_party(session, Role.PLANT, name, now=T0, at=NANSHAN)
    ledger.record_deposit(
        session,
        actor=world.operator,
        organisation_id=plant.organisation_id,
        amount=Money(10_000_00),
        bank_reference=f"race-{name}",
        now=T0,
    )
    license_plant(
        session,
        world.operator,
        plant,
        now=T0,
        number=name.upper(),
        units=units,
        categories=("mobile_phone",),
    )
    return plant


def _counts(factory: sessionmaker[Session]) -> tuple[int, int, bool]:
    with transaction(factory) as session:
        contracts = int(session.scalar(select(func.count()).select_from(Contract)) or 0)
        lots = int(session.scalar(select(func.count(func.distinct(Contract.lot_id)))) or 0)
        return contracts, lots, ledger.is_balanced(session)


def test_two_workers_close_each_auction_exactly_once(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
        lots = _single_unit_lots(
            session,
            world,
            AUCTIONS,
            sale=exchange.SaleMethod.AUCTION,
            closes_at=T0 + timedelta(minutes=30),
        )
        for lot in lots:
            for plant, price in ((world.plant_a, 31_00), (world.plant_b, 32_00)):
                exchange.place_bid(session, actor=plant, lot_id=lot.id, price=Money(price), now=T0)
    clock = FrozenClock(T0 + timedelta(hours=1))
    # Small batches: the two workers interleave many claims instead of one taking all.
    only = tuple(replace(job, batch=3) for job in JOBS if job.name == "close_auctions")
    barrier = threading.Barrier(2)
    closed: list[int] = []

    def worker() -> None:
        barrier.wait(timeout=10)
        closed.append(run_due_jobs(race_db, clock, jobs=only)["close_auctions"])

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(closed) == AUCTIONS, closed
    contracts, distinct, balanced = _counts(race_db)
    assert contracts == distinct == AUCTIONS
    assert balanced
    with transaction(race_db) as session:
        statuses = set(session.scalars(select(Auction.status)))
        assert statuses == {"awarded"}
        escrow = ledger.balance(session, ledger.Accounts.ESCROW)
        assert escrow == Money(32_00 * AUCTIONS)
        assert run_due_jobs(race_db, clock, jobs=only)["close_auctions"] == 0


def test_fifty_simultaneous_purchases_of_one_lot_make_one_contract_200_times(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
        plants: list[Actor] = []
        for index in range(ATTEMPTS):
            plants.append(_funded_phone_plant(session, world, f"racer-{index}"))
        lots = _single_unit_lots(session, world, ROUNDS)
    url = race_db.kw["bind"].url.render_as_string(hide_password=False)
    engine = make_engine(url, pool_size=ATTEMPTS)
    factory = make_session_factory(engine)
    started = time.monotonic()
    winners: list[int] = []
    try:
        with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
            for lot in lots:
                barrier = threading.Barrier(ATTEMPTS)

                def attempt(
                    plant: Actor, barrier: threading.Barrier = barrier, lot_id: int = lot.id
                ) -> str:
                    barrier.wait(timeout=30)
                    try:
                        with transaction(factory) as s:
                            exchange.buy_lot(s, actor=plant, lot_id=lot_id, now=T0)
                    except exchange.IllegalLotTransition:
                        return "sold"
                    except exchange.LotNotFound:
                        return "sold"  # a sold lot is no longer visible to other plants
                    return "won"

                outcomes = list(pool.map(attempt, plants))
                assert outcomes.count("won") == 1, (lot.id, outcomes)
                winners.append(outcomes.index("won"))
    finally:
        engine.dispose()
    elapsed = time.monotonic() - started
    contracts, distinct, balanced = _counts(race_db)
    assert contracts == distinct == ROUNDS
    assert balanced
    with transaction(race_db) as session:
        assert ledger.balance(session, ledger.Accounts.ESCROW) == Money(30_00 * ROUNDS)
    assert elapsed < 60, f"{ROUNDS} rounds took {elapsed:.1f} s"


def test_simultaneous_awards_to_one_plant_never_overspend_its_capacity(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    """The plant may take 3 phones this year; 8 lots of one phone are bought by it at once
    from 8 threads, 5 times over: exactly 3 contracts, the rest refused as capacity_exhausted."""
    rounds, attempts, capacity = 5, 8, 3
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
        lots = _single_unit_lots(session, world, rounds * attempts)
        plants: list[Actor] = []
        for index in range(rounds):
            plants.append(_funded_phone_plant(session, world, f"cap-{index}", units=capacity))
    url = race_db.kw["bind"].url.render_as_string(hide_password=False)
    engine = make_engine(url, pool_size=attempts)
    factory = make_session_factory(engine)
    try:
        with ThreadPoolExecutor(max_workers=attempts) as pool:
            for index, plant in enumerate(plants):
                batch = lots[index * attempts : (index + 1) * attempts]
                barrier = threading.Barrier(attempts)

                def attempt(
                    lot_id: int, plant: Actor = plant, barrier: threading.Barrier = barrier
                ) -> str:
                    barrier.wait(timeout=30)
                    try:
                        with transaction(factory) as s:
                            exchange.buy_lot(s, actor=plant, lot_id=lot_id, now=T0)
                    except exchange.CapacityExhausted:
                        return "full"
                    return "won"

                outcomes = list(pool.map(attempt, [lot.id for lot in batch]))
                assert outcomes.count("won") == capacity, outcomes
                assert outcomes.count("full") == attempts - capacity, outcomes
    finally:
        engine.dispose()
    with transaction(race_db) as session:
        for plant in plants:
            used = session.scalar(
                select(func.sum(Contract.unit_count)).where(
                    Contract.plant_id == plant.organisation_id
                )
            )
            assert used == capacity
        assert ledger.is_balanced(session)
