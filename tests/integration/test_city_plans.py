"""The city planner applied to the database: stops move between collectors, waiting
pickups are given out, started stops never move, and what changed during the search is
left as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste import dispatch, orders, routing
from ewaste.dispatch import city_plans
from ewaste.dispatch.models import RoutePlan
from ewaste.identity import MissingPermission, Role
from ewaste.kernel.geo import GeoPoint
from ewaste.orders.models import PickupStatusChange
from tests.conftest import T0
from tests.factories import (
    FUTIAN,
    LONGGANG,
    NANSHAN,
    World,
    assign_to,
    book,
    build_world,
    make_party,
)

DAY = date(2026, 11, 24)  # T0 is 10:00 in Shenzhen on this day


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def near(place: GeoPoint, km: float) -> GeoPoint:
    return GeoPoint(place.lat + km / 111.0, place.lon)


def booked(session: Session, world: World, at: GeoPoint) -> int:
    """A pickup at `at`, window 11:00-19:00."""
    pickup = book(
        session, world.household_a, now=T0, at=at, starts=T0 + timedelta(hours=1), hours=8
    )
    return pickup.id


def view(session: Session, pickup_id: int) -> orders.PickupView:
    session.expire_all()
    found = orders.pickup_by_id(session, pickup_id)
    assert found is not None
    return found


def collector_of(session: Session, pickup_id: int) -> int | None:
    return view(session, pickup_id).collector_id


def status_of(session: Session, pickup_id: int) -> str:
    return view(session, pickup_id).status


def plan_of(session: Session, collector_id: int) -> RoutePlan | None:
    return session.scalars(
        select(RoutePlan).where(RoutePlan.collector_id == collector_id, RoutePlan.day == DAY)
    ).one_or_none()


def misplaced(session: Session, world: World) -> tuple[list[int], list[int]]:
    """Three Longgang pickups given by hand to the Futian collector, three Futian pickups
    waiting for a collector."""
    far = [booked(session, world, near(LONGGANG, k)) for k in (0.5, 1.0, 1.5)]
    for pid in far:
        assign_to(session, world, pid, world.collector_a, now=T0)
    home = [booked(session, world, near(FUTIAN, k)) for k in (0.5, 1.0, 1.5)]
    session.flush()
    return far, home


def test_the_plan_moves_stops_to_the_nearer_collector_and_gives_out_waiting_pickups(
    session: Session, world: World
) -> None:
    far, home = misplaced(session, world)
    done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    a, b = world.collector_a.organisation_id, world.collector_b.organisation_id
    assert done.applied
    assert (done.promised, done.waiting, done.served) == (3, 3, 6)
    assert (done.moved, done.assigned, done.skipped) == (3, 3, 0)
    assert done.left_out == {}
    assert [collector_of(session, p) for p in far] == [b, b, b]
    assert [collector_of(session, p) for p in home] == [a, a, a]
    assert done.after_m < done.before_m  # 3 stops from Futian to Longgang and back cost more
    for cid, stops in ((a, home), (b, far)):
        plan = plan_of(session, cid)
        assert plan is not None
        assert plan.planned_by == "city_plan"
        assert sorted(plan.pickup_ids) == sorted(stops)
    history = session.scalars(
        select(PickupStatusChange).where(PickupStatusChange.event == "reassign")
    ).all()
    assert sorted(h.pickup_id for h in history) == sorted(far)
    assert {h.note for h in history} == {f"collector {a} -> {b}"}
    assert {(h.from_status, h.to_status) for h in history} == {("assigned", "assigned")}
    sheet = dispatch.route_sheet(session, actor=world.operator, collector_id=b, day=DAY)
    assert sorted(s.pickup_id for s in sheet.stops) == sorted(far)
    assert sheet.late == 0


def test_a_started_stop_and_those_before_it_stay_with_their_collector(
    session: Session, world: World
) -> None:
    far, _ = misplaced(session, world)
    orders.propose_adjustments(
        session,
        actor=world.collector_a,
        pickup_id=far[0],
        adjustments=[orders.AdjustmentRequest(0, "broken_screen", "photo:door")],
        now=T0,
    )
    done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    a = world.collector_a.organisation_id
    assert done.applied
    assert collector_of(session, far[0]) == a
    assert status_of(session, far[0]) == "adjustment_proposed"
    plan = plan_of(session, a)
    assert plan is not None
    assert plan.pickup_ids[0] == far[0]  # still first: a is at that door
    # From Longgang, collector a now takes the other Longgang stops on its way back.
    assert done.promised == 2


def test_what_changes_during_the_search_is_left_as_it_was(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    far, home = misplaced(session, world)
    real: Callable[..., routing.Plan] = routing.plan_day

    def meanwhile(*args: Any, **kwargs: Any) -> routing.Plan:
        plan = real(*args, **kwargs)
        # While the planner searched: a household cancels, the operator gives a waiting
        # pickup to collector b by hand.
        orders.cancel_pickup(session, actor=world.operator, pickup_id=far[1], now=T0)
        assign_to(session, world, home[0], world.collector_b, now=T0)
        return plan

    monkeypatch.setattr(city_plans.routing, "plan_day", meanwhile)
    done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    a, b = world.collector_a.organisation_id, world.collector_b.organisation_id
    assert done.applied
    assert done.skipped == 2
    assert status_of(session, far[1]) == "cancelled"
    assert collector_of(session, home[0]) == b  # the hand assignment stands
    assert [collector_of(session, p) for p in (far[0], far[2])] == [b, b]
    assert [collector_of(session, p) for p in home[1:]] == [a, a]


def test_a_plan_that_fails_our_checker_changes_nothing(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    far, home = misplaced(session, world)

    def broken(*args: Any, **kwargs: Any) -> routing.CheckReport:
        return routing.CheckReport(distance=0, problems=("pickup 1 late",))

    monkeypatch.setattr(city_plans.routing, "check_plan", broken)
    done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    assert not done.applied
    assert (done.assigned, done.moved) == (0, 0)
    a = world.collector_a.organisation_id
    assert [collector_of(session, p) for p in far] == [a, a, a]
    assert [status_of(session, p) for p in home] == ["requested"] * 3


def test_only_staff_who_assign_may_plan_the_city(session: Session, world: World) -> None:
    with pytest.raises(MissingPermission):
        dispatch.plan_routes(session, actor=world.collector_a, day=DAY, now=T0, seconds=1)


def test_a_pickup_given_meanwhile_to_another_collector_is_not_reassigned(
    session: Session, world: World
) -> None:
    far, _ = misplaced(session, world)
    with pytest.raises(orders.PickupMoved):
        orders.reassign_collector(
            session,
            actor=world.operator,
            pickup_id=far[0],
            from_collector_id=world.collector_b.organisation_id,
            to_collector_id=world.collector_a.organisation_id,
            now=T0,
        )
    assert collector_of(session, far[0]) == world.collector_a.organisation_id


def test_a_plan_on_an_unchanged_day_moves_nothing(session: Session, world: World) -> None:
    misplaced(session, world)
    first = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    assert first.moved == 3
    again = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    assert again.applied
    assert (again.moved, again.assigned) == (0, 0)


def test_a_plan_that_swaps_routes_for_nothing_moves_nothing(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    west = [booked(session, world, near(FUTIAN, k)) for k in (0.5, 1.0)]
    east = [booked(session, world, near(LONGGANG, k)) for k in (0.5, 1.0)]
    a, b = world.collector_a.organisation_id, world.collector_b.organisation_id
    for pid in west:
        assign_to(session, world, pid, world.collector_a, now=T0)
    for pid in east:
        assign_to(session, world, pid, world.collector_b, now=T0)
    waiting = booked(session, world, near(FUTIAN, 2.0))

    def swapped(collectors: Any, pickups: Any, **kwargs: Any) -> routing.Plan:
        # A search that hands each collector the other's stops (and the waiting one to a).
        def route(cid: int, ids: list[int]) -> routing.Route:
            return routing.Route(cid, tuple(routing.Visit(i, 0, 0, 0) for i in ids), 0, 0)

        return routing.Plan((route(a, [*east, waiting]), route(b, west)))

    monkeypatch.setattr(city_plans.routing, "plan_day", swapped)
    done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    assert done.applied
    assert (done.moved, done.assigned) == (0, 1)
    assert [collector_of(session, p) for p in (*west, waiting)] == [a, a, a]
    assert [collector_of(session, p) for p in east] == [b, b]


def test_moves_that_pay_are_applied_and_the_rest_of_the_plan_declined(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a and b hold their own districts' stops; a search that swaps them saves nothing. The
    # Nanshan collector holds a stop in Longgang that the Longgang newcomer is next to.
    west = [booked(session, world, near(FUTIAN, k)) for k in (0.5, 1.0)]
    east = [booked(session, world, near(LONGGANG, k)) for k in (0.5, 1.0)]
    a, b = world.collector_a.organisation_id, world.collector_b.organisation_id
    for pid in west:
        assign_to(session, world, pid, world.collector_a, now=T0)
    for pid in east:
        assign_to(session, world, pid, world.collector_b, now=T0)
    c, d = (
        make_party(session, Role.COLLECTOR, name, now=T0, at=place)
        for name, place in (("col-nanshan", NANSHAN), ("col-longgang", LONGGANG))
    )
    for k, party in enumerate((c, d)):
        dispatch.register_collector(
            session,
            organisation_id=party.organisation_id,
            vehicle=dispatch.Vehicle.VAN,
            capacity_grams=1_000_000,
            badge=f"T-PART-{k}",
            skills=dispatch.SKILLS,
        )
    stray = booked(session, world, near(LONGGANG, -1.0))
    assign_to(session, world, stray, c, now=T0)
    session.flush()

    def searched(collectors: Any, pickups: Any, **kwargs: Any) -> routing.Plan:
        def route(cid: int, ids: list[int]) -> routing.Route:
            return routing.Route(cid, tuple(routing.Visit(i, 0, 0, 0) for i in ids), 0, 0)

        return routing.Plan(
            (route(a, east), route(b, west), route(d.organisation_id, [stray])),
        )

    monkeypatch.setattr(city_plans.routing, "plan_day", searched)
    # Single stops are not put back with their owners first: the rule judges the swap.
    monkeypatch.setattr(city_plans, "keep_with_owners", lambda plan, *args, **kwargs: plan)
    done = dispatch.plan_routes(session, actor=world.operator, day=DAY, now=T0, seconds=1)
    assert done.applied
    assert (done.moved, done.declined_moves) == (1, 4)
    assert collector_of(session, stray) == d.organisation_id
    assert [collector_of(session, p) for p in west] == [a, a]
    assert [collector_of(session, p) for p in east] == [b, b]
