"""A plant buying one lot of a top-tier station while it receives another of the same
station, on PostgreSQL with real commits: both go through.

The award advances the station's share from the guarantee fund (the station's settlement
row, then the fund's and the station's balance rows); the reception settles escrow (the
same rows). Both must take these locks in the same order (docs/adr/0020): the test holds
the award just before it locks the station's settlement row and lets the reception run
then, which is when opposite orders wait on each other in a cycle and PostgreSQL aborts
one of the two as a deadlock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from ewaste import ledger
from ewaste.db.uow import transaction
from ewaste.kernel.money import Money
from tests.conftest import T0
from tests.factories import World, build_world
from tests.integration.settlement.helpers import buy, listed, score, ship_and_receive
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

TOP = 800
PRICE = Money(480_00)
HOLD_S = 1.5  # longer than the reception needs to reach its own locks


def _run(
    factory: sessionmaker[Session],
    work: Callable[[Session], None],
    failures: list[BaseException],
    *,
    marked: threading.local | None = None,
) -> None:
    try:
        if marked is not None:
            marked.held = True
        with transaction(factory) as session:
            work(session)
    except BaseException as exc:  # reported by the test
        failures.append(exc)


def test_an_award_and_a_reception_of_one_top_tier_station_never_deadlock(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world: World = build_world(session, now=T0)
        score(session, world.station_a.organisation_id, TOP, at=T0)
        to_buy = listed(session, world, T0, price=PRICE, count=1)
        to_receive = listed(session, world, T0, price=PRICE, count=1)
        buy(session, world, to_receive, T0)
    award_thread = threading.local()
    at_seller_lock = threading.Event()
    paused: list[bool] = []

    def hold_the_award(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if (
            getattr(award_thread, "held", False)
            and not paused
            and "FROM settlement_seller" in statement
            and "FOR UPDATE" in statement
        ):
            paused.append(True)
            at_seller_lock.set()
            threading.Event().wait(HOLD_S)

    engine = race_db.kw["bind"]
    event.listen(engine, "before_cursor_execute", hold_the_award)
    failures: list[BaseException] = []
    try:
        award = threading.Thread(
            target=_run,
            args=(race_db, lambda s: buy(s, world, to_buy, T0), failures),
            kwargs={"marked": award_thread},
        )
        award.start()
        assert at_seller_lock.wait(timeout=30), "the award never locked the station's row"
        _run(race_db, lambda s: ship_and_receive(s, world, to_receive, T0), failures)
        award.join(timeout=60)
    finally:
        event.remove(engine, "before_cursor_execute", hold_the_award)
    assert failures == []
    with transaction(race_db) as session:
        assert ledger.check_ledger(session).ok
        fund = ledger.balance(session, ledger.Accounts.GUARANTEE_FUND)
    assert fund.minor < 0  # the second award was advanced; the first repaid at reception
