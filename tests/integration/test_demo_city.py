"""The demo city shows a new user real data on every page: brands mapped to two producers,
brands recorded at dismantling (the producer's take-back report has figures), most
outputs passing the check with a few flagged for review, and a certificate of recycling
for every dismantled unit; the option pool set up, and the stations' and a few collectors'
withdrawals gathered into the first bank batch."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import analytics, catalog, compliance, custody, ledger, partners, payouts
from ewaste.analytics.rules import china_month
from ewaste.config import Settings
from ewaste.custody.models import Certificate
from ewaste.db.uow import transaction
from ewaste.demo import build_city, simulate_day
from ewaste.identity import Role
from ewaste.kernel.clock import FrozenClock
from tests.conftest import T0


def test_a_small_demo_day_fills_the_producer_report_and_the_certificates(
    session_factory: sessionmaker[Session], settings: Settings
) -> None:
    clock = FrozenClock(T0 - timedelta(hours=2))
    rng = random.Random(7)
    with transaction(session_factory) as session:
        city = build_city(session, now=clock.now(), rng=rng, households=40, collectors=4)
    summary = simulate_day(session_factory, city=city, clock=clock, settings=settings, rng=rng)

    assert [p.role for p in city.producers] == [Role.PRODUCER, Role.PRODUCER]
    assert [u for _role, u, _name in city.logins if _role == "producer"] == [
        "producer",
        "producer2",
    ]
    with transaction(session_factory) as session:
        mapped = {b.name: b.producer_id for b in catalog.brands(session)}
        assert {p.organisation_id for p in city.producers} == set(mapped.values())
        assert len(mapped) >= 4  # at least two brands per producer
        month = china_month(clock.now())
        dismantled = 0
        for producer in city.producers:
            report = analytics.take_back_report(
                session,
                actor=producer,
                producer_id=producer.organisation_id,
                first_month=month,
                last_month=month,
            )
            assert sum(r.collected_units for r in report.rows) > 0
            assert sum(r.dismantled_units for r in report.rows) > 0
            dismantled += sum(r.dismantled_units for r in report.rows)

        records = [
            r
            for plant in city.plants
            for r in compliance.recent_for_plant(session, plant.organisation_id, limit=10_000)
        ]
        assert records
        assert dismantled < len(records)  # some units carry no mapped brand
        passed = sum(r.check == "passed" for r in records)
        assert passed >= len(records) * 3 // 4
        certificates = session.scalar(select(func.count()).select_from(Certificate))
        assert certificates == summary.certificates == len(records)
        # Each household sees its unit's chain complete, with the certificate on it.
        household = next(
            h
            for h in city.households
            if custody.units_of_household(session, h.organisation_id)
            and custody.units_of_household(session, h.organisation_id)[0][2] == "dismantled"
        )
        code = custody.units_of_household(session, household.organisation_id)[0][0]
        assert custody.trace_unit(session, actor=household, unit_code=code).complete
        # The operator's money and partner pages have something to show.
        batches = payouts.batches_for(session, actor=city.operator)
        assert [b.status for b in batches] == ["created"]
        assert batches[0].payout_count == summary.payouts_batched >= len(city.stations)
        table = partners.cap_table(session, actor=city.operator)
        assert table.pool.cap_basis_points == 1500
        assert ledger.check_ledger(session).ok
