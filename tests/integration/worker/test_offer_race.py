"""Two collectors accept the same offered pickup at the same moment, on PostgreSQL with real
commits: exactly one gets it, the other is told it is gone (never a 500, never both)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ewaste import dispatch, orders
from ewaste.db.uow import transaction
from ewaste.identity import Actor
from tests.conftest import T0
from tests.factories import FUTIAN, book, build_world
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

ROUNDS = 25


def test_only_one_of_two_simultaneous_acceptances_wins(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
    collectors = (world.collector_a, world.collector_b)
    for round_number in range(ROUNDS):
        with transaction(race_db) as session:
            # An 8-hour window: both routes can always take one more (~11 min a stop).
            start = T0 + timedelta(hours=1)
            pickup = book(session, world.household_a, now=T0, at=FUTIAN, starts=start, hours=8)
            made = dispatch.offer_pickup(
                session, actor=world.operator, pickup_id=pickup.id, now=T0, collectors=2
            )
        by_collector = {o.collector_id: o.id for o in made}
        assert len(by_collector) == 2, f"round {round_number}: offered to {by_collector}"
        barrier = threading.Barrier(2)
        outcomes: dict[int, str] = {}

        def accept(
            collector: Actor,
            barrier: threading.Barrier = barrier,
            by_collector: dict[int, int] = by_collector,
            outcomes: dict[int, str] = outcomes,
        ) -> None:
            barrier.wait(timeout=10)
            try:
                with transaction(race_db) as s:
                    dispatch.accept_offer(
                        s,
                        actor=collector,
                        offer_id=by_collector[collector.organisation_id],
                        now=T0,
                    )
                outcomes[collector.organisation_id] = "won"
            except dispatch.OfferClosed:
                outcomes[collector.organisation_id] = "closed"

        threads = [threading.Thread(target=accept, args=(c,)) for c in collectors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values()) == ["closed", "won"], outcomes
        winner = next(cid for cid, result in outcomes.items() if result == "won")
        with transaction(race_db) as session:
            stored = orders.get_pickup(session, actor=world.operator, pickup_id=pickup.id)
            assert stored.status == "assigned"
            assert stored.collector_id == winner
            assert dispatch.open_offers(session, actor=world.operator) == []
