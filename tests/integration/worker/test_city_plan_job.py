"""The worker plans the city on a schedule kept in the run rows: once when due, again only
after the set interval (whoever ran the last plan), never on a day with nothing to plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import dispatch, orders
from ewaste.dispatch.models import CityPlanRun
from ewaste.identity import MissingPermission
from ewaste.kernel.clock import FrozenClock
from ewaste.worker import run_due_jobs
from tests.factories import LONGGANG, World, assign_to, book, build_world

DAY = date(2026, 11, 24)
EVERY = timedelta(minutes=30)


def runs(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CityPlanRun)) or 0


def far_stop(session: Session, world: World, clock: FrozenClock) -> int:
    """A Longgang pickup given to the Futian collector: the plan moves it to Longgang's."""
    now = clock.now()
    pickup = book(
        session, world.household_a, now=now, at=LONGGANG, starts=now + timedelta(hours=1), hours=6
    )
    assign_to(session, world, pickup.id, world.collector_a, now=now)
    return pickup.id


def test_the_worker_plans_the_day_when_due_and_again_after_the_interval(
    session: Session,
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EWASTE_CITY_PLAN_EVERY_MINUTES", "30")
    monkeypatch.setenv("EWASTE_CITY_PLAN_SECONDS", "1")
    world = build_world(session, now=clock.now())
    session.commit()
    assert run_due_jobs(session_factory, clock)["plan_city_routes"] == 0  # nothing to plan
    assert runs(session) == 0
    pickup = far_stop(session, world, clock)
    session.commit()
    assert run_due_jobs(session_factory, clock)["plan_city_routes"] == 1
    session.expire_all()
    moved = orders.pickup_by_id(session, pickup)
    assert moved is not None
    assert moved.collector_id == world.collector_b.organisation_id
    clock.advance(EVERY - timedelta(minutes=1))
    assert run_due_jobs(session_factory, clock)["plan_city_routes"] == 0
    clock.advance(timedelta(minutes=1))
    assert run_due_jobs(session_factory, clock)["plan_city_routes"] == 1
    record = dispatch.last_city_plan(session, actor=world.operator, day=DAY)
    assert record is not None
    assert (record.started_by, record.started_at, record.served, record.moved) == (
        "worker",
        clock.now(),
        1,
        0,  # already on the right route
    )
    assert runs(session) == 2


def test_the_worker_leaves_the_city_plan_alone_when_switched_off(
    session: Session, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    far_stop(session, world, clock)
    session.commit()
    assert run_due_jobs(session_factory, clock)["plan_city_routes"] == 0  # conftest: 0 minutes
    assert runs(session) == 0


def test_an_operators_plan_counts_for_the_schedule(session: Session, clock: FrozenClock) -> None:
    world = build_world(session, now=clock.now())
    far_stop(session, world, clock)
    dispatch.plan_routes(session, actor=world.operator, day=DAY, now=clock.now(), seconds=1)
    soon = clock.now() + timedelta(minutes=10)
    assert (
        dispatch.plan_city_if_due(session, actor=world.operator, now=soon, every=EVERY, seconds=1)
        is None
    )
    record = dispatch.last_city_plan(session, actor=world.operator, day=DAY)
    assert record is not None
    assert (record.started_by, record.applied, record.moved) == ("operator", True, 1)
    with pytest.raises(MissingPermission):
        dispatch.last_city_plan(session, actor=world.household_a, day=DAY)
