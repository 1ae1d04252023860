"""A collector sets out for a stop: it becomes the next one, and no plan takes it away —
not the city plan, not the worker's re-optimisation, not live insertion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste import dispatch, orders
from ewaste.dispatch.models import RoutePlan
from ewaste.identity import MissingPermission
from ewaste.kernel.geo import GeoPoint
from tests.conftest import T0
from tests.factories import FUTIAN, LONGGANG, World, assign_to, book, build_world

DAY = date(2026, 11, 24)  # T0 is 10:00 in Shenzhen on this day


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def near(place: GeoPoint, km: float) -> GeoPoint:
    return GeoPoint(place.lat + km / 111.0, place.lon)


def given_to_a(session: Session, world: World, at: GeoPoint, *, hours_ahead: float = 1) -> int:
    """A pickup at `at` (window from `hours_ahead` for 8 hours) given by hand to collector a."""
    pickup = book(
        session,
        world.household_a,
        now=T0,
        at=at,
        starts=T0 + timedelta(hours=hours_ahead),
        hours=8,
    )
    assign_to(session, world, pickup.id, world.collector_a, now=T0)
    return pickup.id


def plan_of(session: Session, world: World) -> RoutePlan:
    session.expire_all()
    return session.scalars(
        select(RoutePlan).where(
            RoutePlan.collector_id == world.collector_a.organisation_id, RoutePlan.day == DAY
        )
    ).one()


def sheet_of_a(session: Session, world: World) -> dispatch.RouteSheet:
    return dispatch.route_sheet(
        session,
        actor=world.collector_a,
        collector_id=world.collector_a.organisation_id,
        day=DAY,
        now=T0,
    )


def test_the_stop_a_collector_sets_out_for_comes_next_and_is_shown_on_its_way(
    session: Session, world: World
) -> None:
    given_to_a(session, world, near(FUTIAN, 1))
    given_to_a(session, world, near(FUTIAN, 6))
    first, second = (s.pickup_id for s in sheet_of_a(session, world).stops)
    done = dispatch.set_out(session, actor=world.collector_a, pickup_id=second, now=T0)
    assert (done.pickup_id, done.day, done.since, done.position) == (second, DAY, T0, 1)
    plan = plan_of(session, world)
    assert (plan.heading_to, plan.heading_since, plan.planned_by) == (second, T0, "collector")
    sheet = sheet_of_a(session, world)
    assert [(s.pickup_id, s.heading) for s in sheet.stops] == [(second, True), (first, False)]
    assert sheet.stops[0].arrive >= T0
    # Setting out for the other one releases the first.
    dispatch.set_out(session, actor=world.collector_a, pickup_id=first, now=T0)
    sheet = sheet_of_a(session, world)
    assert [(s.pickup_id, s.heading) for s in sheet.stops] == [(first, True), (second, False)]


def test_the_city_plan_moves_other_stops_but_not_the_one_the_collector_is_driving_to(
    session: Session, world: World
) -> None:
    # Three Longgang pickups given to the Futian collector: the plan would give all three
    # to the Longgang collector, but a is already on its way to one of them.
    far = [given_to_a(session, world, near(LONGGANG, k)) for k in (0.5, 1.0, 1.5)]
    dispatch.set_out(session, actor=world.collector_a, pickup_id=far[1], now=T0)
    done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    assert done.applied
    session.expire_all()
    heading_to = orders.pickup_by_id(session, far[1])
    assert heading_to is not None
    assert heading_to.collector_id == world.collector_a.organisation_id
    # (Without setting out, all three go to b: test_city_plans. Now a drives to Longgang
    # anyway, so the two next door may well stay with it.)
    assert plan_of(session, world).heading_to == far[1]
    assert sheet_of_a(session, world).stops[0].pickup_id == far[1]


def test_re_optimisation_and_live_insertion_keep_the_stop_first(
    session: Session, world: World
) -> None:
    stops = [given_to_a(session, world, near(FUTIAN, k)) for k in (6, 1, 3)]
    dispatch.set_out(session, actor=world.collector_a, pickup_id=stops[0], now=T0)
    dispatch.reoptimise_routes(session, now=T0 + timedelta(minutes=10), every=timedelta(0))
    assert plan_of(session, world).pickup_ids[0] == stops[0]
    # A new pickup right where a stands goes after the stop it is driving to.
    new = book(session, world.household_a, now=T0, at=FUTIAN, starts=T0 + timedelta(hours=1))
    assert (
        dispatch.assign_pickup(session, actor=world.operator, pickup_id=new.id, now=T0).collector_id
        == world.collector_a.organisation_id
    )
    order = [s.pickup_id for s in sheet_of_a(session, world).stops]
    assert order[0] == stops[0]
    assert new.id in order[1:]


def test_refusals_change_nothing(session: Session, world: World) -> None:
    mine = given_to_a(session, world, near(FUTIAN, 1))
    tomorrow = given_to_a(session, world, near(FUTIAN, 2), hours_ahead=24)
    other = book(session, world.household_a, now=T0, at=LONGGANG, starts=T0 + timedelta(hours=1))
    assign_to(session, world, other.id, world.collector_b, now=T0)
    with pytest.raises(orders.PickupNotFound):
        dispatch.set_out(session, actor=world.collector_a, pickup_id=other.id, now=T0)
    with pytest.raises(orders.PickupNotFound):
        dispatch.set_out(session, actor=world.collector_a, pickup_id=10**9, now=T0)
    with pytest.raises(dispatch.NotOnTodaysRoute):
        dispatch.set_out(session, actor=world.collector_a, pickup_id=tomorrow, now=T0)
    with pytest.raises(MissingPermission):
        dispatch.set_out(session, actor=world.operator, pickup_id=mine, now=T0)
    orders.cancel_pickup(session, actor=world.household_a, pickup_id=mine, now=T0)
    with pytest.raises(dispatch.CannotSetOut, match="cancelled"):
        dispatch.set_out(session, actor=world.collector_a, pickup_id=mine, now=T0)
    session.expire_all()
    assert session.scalars(select(RoutePlan.heading_to)).all() in ([], [None], [None, None])


def test_the_household_sees_its_collector_on_the_way_until_the_pickup_moves(
    session: Session, world: World
) -> None:
    mine = given_to_a(session, world, near(FUTIAN, 1))
    other = given_to_a(session, world, near(FUTIAN, 2))
    dispatch.set_out(session, actor=world.collector_a, pickup_id=mine, now=T0)
    views = orders.pickups_for(session, actor=world.household_a)
    assert dispatch.on_the_way(session, views) == {mine: T0}
    orders.reassign_collector(
        session,
        actor=world.operator,
        pickup_id=mine,
        from_collector_id=world.collector_a.organisation_id,
        to_collector_id=world.collector_b.organisation_id,
        now=T0,
    )
    views = orders.pickups_for(session, actor=world.household_a)
    assert dispatch.on_the_way(session, views) == {}  # b has not set out for it
    assert other in {v.id for v in views}
