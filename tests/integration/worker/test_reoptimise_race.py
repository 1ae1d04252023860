"""Re-optimisation in several workers at once, and beside assignment, on PostgreSQL with real
commits: every due route is reviewed exactly once per period, and a route being
re-optimised is never written by two transactions from one snapshot."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import dispatch, orders
from ewaste.db.uow import transaction
from ewaste.dispatch import live_routes
from ewaste.dispatch.models import RoutePlan
from ewaste.identity import Role
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.geo import GeoPoint
from ewaste.worker import JOBS, run_due_jobs
from tests.conftest import T0
from tests.factories import FUTIAN, World, assign_to, book, build_world, make_party
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

DAY = date(2026, 11, 24)
COLLECTORS = 10


def _seed(factory: sessionmaker[Session]) -> tuple[World, list[int]]:
    """COLLECTORS collectors, each with five pickups planned in a zigzag."""
    with transaction(factory) as session:
        world = build_world(session, now=T0)
        collector_ids = []
        for k in range(COLLECTORS):
            base = GeoPoint(FUTIAN.lat + 0.02 * k, FUTIAN.lon)
            actor = make_party(session, Role.COLLECTOR, f"col-r{k}", now=T0, at=base)
            dispatch.register_collector(
                session,
                organisation_id=actor.organisation_id,
                vehicle=dispatch.Vehicle.VAN,
                capacity_grams=2_000_000,
                badge=f"T-R{k}",
            )
            ids = {}
            for km in (1, 2, 3, 4, 5):
                pickup = book(
                    session,
                    world.household_a,
                    now=T0,
                    at=GeoPoint(base.lat, base.lon + km / 103.0),
                    starts=T0 + timedelta(hours=1),
                    hours=8,
                )
                assign_to(session, world, pickup.id, actor, now=T0)
                ids[km] = pickup.id
            live_routes.store_plan(
                session,
                collector_id=actor.organisation_id,
                day=DAY,
                order=[ids[km] for km in (5, 1, 4, 2, 3)],
                by="insertion",
                now=T0,
            )
            collector_ids.append(actor.organisation_id)
    return world, collector_ids


def _plans(factory: sessionmaker[Session]) -> list[RoutePlan]:
    with transaction(factory) as session:
        return list(session.scalars(select(RoutePlan).where(RoutePlan.day == DAY)))


def test_two_workers_review_each_route_once(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    _, collector_ids = _seed(race_db)
    clock = FrozenClock(T0)
    only = tuple(job for job in JOBS if job.name == "reoptimise_routes")
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work() -> None:
        start.wait(timeout=10)
        try:
            results.append(run_due_jobs(race_db, clock, jobs=only)["reoptimise_routes"])
        except BaseException as err:  # reported below, not swallowed
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # Together they reviewed every route exactly once; a straggler finds none due.
    assert sum(results) == COLLECTORS
    assert run_due_jobs(race_db, clock, jobs=only)["reoptimise_routes"] == 0
    plans = {p.collector_id: p for p in _plans(race_db)}
    for collector_id in collector_ids:
        assert plans[collector_id].planned_by == "reoptimised"
        assert plans[collector_id].reviewed_at == T0
        assert plans[collector_id].version == 2  # written once: one re-optimisation


def test_assignment_and_reoptimisation_at_once_lose_no_pickup(
    race_db: sessionmaker[Session],  # noqa: F811 - the imported fixture
) -> None:
    world, _ = _seed(race_db)
    with transaction(race_db) as session:
        waiting = [
            book(
                session,
                world.household_b,
                now=T0,
                at=GeoPoint(FUTIAN.lat + 0.02 * k, FUTIAN.lon + 2.5 / 103.0),
                starts=T0 + timedelta(hours=1),
                hours=8,
            ).id
            for k in range(COLLECTORS)
        ]
    clock = FrozenClock(T0)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def reoptimise() -> None:
        start.wait(timeout=10)
        try:
            only = tuple(job for job in JOBS if job.name == "reoptimise_routes")
            run_due_jobs(race_db, clock, jobs=only)
        except BaseException as err:
            errors.append(err)

    def assign() -> None:
        start.wait(timeout=10)
        try:
            with transaction(race_db) as session:
                dispatch.assign_waiting_pickups(session, actor=world.operator, now=T0)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=reoptimise), threading.Thread(target=assign)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with transaction(race_db) as session:
        window = live_routes.day_span(DAY)
        open_now = orders.open_pickups_by_collector(
            session, window_from=window[0], window_to=window[1]
        )
    plans = {p.collector_id: p for p in _plans(race_db)}
    for collector_id, views in open_now.items():
        # The stored order holds exactly the collector's open pickups of the day.
        assert sorted(plans[collector_id].pickup_ids) == sorted(v.id for v in views)
    assigned = [p for plan in plans.values() for p in plan.pickup_ids if p in waiting]
    assert sorted(assigned) == sorted(waiting)
