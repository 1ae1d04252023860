"""Two subsidy claims of the same units prepared at the same moment, on PostgreSQL with real
commits and one session per thread: exactly one claim holds the units, the other is told
(`compliance.unit_already_claimed`, or nothing left to claim), never a 500, never both."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ewaste import compliance
from ewaste.db.uow import transaction
from tests.conftest import T0
from tests.factories import build_world
from tests.integration.compliance.claim_helpers import dismantled_unit
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

ROUNDS = 10
UNITS = 5


def test_two_parallel_claims_never_hold_the_same_unit(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
    for round_number in range(ROUNDS):
        month = round_number + 1
        at = datetime(2023, month, 10, 4, tzinfo=UTC)
        with transaction(race_db) as session:
            codes = {dismantled_unit(session, world, "tv_flat", at) for _ in range(UNITS)}
        quarter = f"2023-Q{(month - 1) // 3 + 1}"
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def prepare(
            period: str,
            barrier: threading.Barrier = barrier,
            outcomes: dict[str, str] = outcomes,
        ) -> None:
            barrier.wait(timeout=10)
            try:
                with transaction(race_db) as s:
                    compliance.prepare_claim(s, actor=world.plant_a, period=period, now=T0)
                outcomes[period] = "won"
            except compliance.UnitAlreadyClaimed as error:
                outcomes[period] = error.code
            except compliance.NothingToClaim as error:
                outcomes[period] = error.code

        periods = (f"2023-{month:02d}", quarter)
        threads = [threading.Thread(target=prepare, args=(p,)) for p in periods]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values())[-1] == "won", outcomes
        assert list(outcomes.values()).count("won") == 1, outcomes
        with transaction(race_db) as session:
            holding = [
                compliance.get_claim(session, actor=world.regulator, claim_id=c.id)
                for c in compliance.list_claims(session, actor=world.plant_a)
            ]
        claimed = [line.unit_code for claim in holding for line in claim.lines]
        assert len(claimed) == len(set(claimed)), "a unit is in two claims"
        assert codes <= set(claimed)
