"""The city plan beside other transactions, on PostgreSQL with real commits: what another
transaction commits while the plan is searched (a household cancels, the operator gives a
waiting pickup to a collector by hand) is seen when the plan is applied and left alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ewaste import dispatch, orders, routing
from ewaste.db.uow import transaction
from ewaste.dispatch import city_plans
from ewaste.kernel.geo import GeoPoint
from tests.conftest import T0
from tests.factories import FUTIAN, LONGGANG, World, assign_to, book, build_world
from tests.integration.worker.test_parallel_workers import race_db  # noqa: F401 - fixture

pytestmark = pytest.mark.postgres_only

DAY = date(2026, 11, 24)


def _near(place: GeoPoint, km: float) -> GeoPoint:
    return GeoPoint(place.lat + km / 111.0, place.lon)


def _seed(factory: sessionmaker[Session]) -> tuple[World, list[int], list[int]]:
    """Three Longgang pickups given to the Futian collector, three Futian ones waiting."""
    with transaction(factory) as session:
        world = build_world(session, now=T0)

        def booked(at: GeoPoint) -> int:
            starts = T0 + timedelta(hours=1)
            return book(session, world.household_a, now=T0, at=at, starts=starts, hours=8).id

        far = [booked(_near(LONGGANG, k)) for k in (0.5, 1.0, 1.5)]
        for pid in far:
            assign_to(session, world, pid, world.collector_a, now=T0)
        home = [booked(_near(FUTIAN, k)) for k in (0.5, 1.0, 1.5)]
    return world, far, home


def test_changes_committed_during_the_search_are_left_alone(
    race_db: sessionmaker[Session],  # noqa: F811 - fixture
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, far, home = _seed(race_db)
    real = routing.plan_day

    def meanwhile(*args: Any, **kwargs: Any) -> routing.Plan:
        plan = real(*args, **kwargs)
        with transaction(race_db) as other:  # another request, committed during the search
            orders.cancel_pickup(other, actor=world.operator, pickup_id=far[1], now=T0)
            assign_to(other, world, home[0], world.collector_b, now=T0)
        return plan

    monkeypatch.setattr(city_plans.routing, "plan_day", meanwhile)
    with transaction(race_db) as session:
        done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    assert done.applied
    assert done.skipped == 2
    a, b = world.collector_a.organisation_id, world.collector_b.organisation_id
    with transaction(race_db) as session:
        views = {p: orders.pickup_by_id(session, p) for p in (*far, *home)}
    assert views[far[1]] is not None
    assert views[far[1]].status == "cancelled"
    assert views[home[0]] is not None
    assert views[home[0]].collector_id == b  # the hand assignment stands
    assert [views[p].collector_id for p in (far[0], far[2])] == [b, b]  # type: ignore[union-attr]
    assert [views[p].collector_id for p in home[1:]] == [a, a]  # type: ignore[union-attr]
