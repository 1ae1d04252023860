"""Two workers signing requested certificates at the same moment, on PostgreSQL with real
commits: each request is signed exactly once (SKIP LOCKED claims; one certificate per unit
and kind)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import custody
from ewaste.custody.models import Certificate, CertificateRequest
from ewaste.db.uow import transaction
from tests.certificates import DEV_SIGNER
from tests.conftest import T0
from tests.factories import build_world
from tests.integration.compliance.claim_helpers import dismantled_unit
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

UNITS = 12
BATCH = 2


def _work(factory: sessionmaker[Session], barrier: threading.Barrier, counts: list[int]) -> None:
    barrier.wait(timeout=10)
    while True:
        with transaction(factory) as session:
            signed = custody.issue_requested_certificates(
                session, signer=DEV_SIGNER, now=T0, limit=BATCH
            )
        counts.append(signed)
        if signed == 0:
            return


def test_two_workers_sign_each_request_once(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    with transaction(race_db) as session:
        world = build_world(session, now=T0)
        for _ in range(UNITS):
            code = dismantled_unit(session, world, "tv_flat", T0)
            custody.request_recycling_certificate(
                session, actor=world.household_a, unit_code=code, now=T0
            )
    barrier = threading.Barrier(2)
    counts: tuple[list[int], list[int]] = ([], [])
    threads = [threading.Thread(target=_work, args=(race_db, barrier, c)) for c in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(counts[0]) + sum(counts[1]) == UNITS
    with transaction(race_db) as session:
        assert session.scalar(select(func.count()).select_from(Certificate)) == UNITS
        statuses = session.scalars(select(CertificateRequest.status)).all()
        assert sorted(set(statuses)) == ["issued"]
