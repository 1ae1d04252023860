"""Stored route plans: live insertion writes them, the worker re-optimises the unstarted stops,
route sheets follow them, and nothing a collector has started ever moves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import dispatch, orders
from ewaste.dispatch import live_routes
from ewaste.dispatch.models import RoutePlan
from ewaste.identity import Actor
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.geo import GeoPoint
from ewaste.worker import run_due_jobs
from tests.conftest import T0
from tests.factories import FUTIAN, World, assign_to, book, build_world

DAY = date(2026, 11, 24)  # T0 is 10:00 in Shenzhen on this day


def east(km: float) -> GeoPoint:
    return GeoPoint(FUTIAN.lat, FUTIAN.lon + km / 103.0)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def by_hand(session: Session, world: World, km: float, collector: Actor | None = None) -> int:
    """A pickup `km` east of Futian, window 11:00-19:00, given to collector a by hand."""
    pickup = book(
        session, world.household_a, now=T0, at=east(km), starts=T0 + timedelta(hours=1), hours=8
    )
    assign_to(session, world, pickup.id, collector or world.collector_a, now=T0)
    return pickup.id


def zigzag_plan(session: Session, world: World) -> list[int]:
    """Five pickups 1-5 km east of collector a's base, planned in a zigzag: 5, 1, 4, 2, 3."""
    ids = {km: by_hand(session, world, km) for km in (1, 2, 3, 4, 5)}
    order = [ids[km] for km in (5, 1, 4, 2, 3)]
    live_routes.store_plan(
        session,
        collector_id=world.collector_a.organisation_id,
        day=DAY,
        order=order,
        by="insertion",
        now=T0,
    )
    return order


def plan_of(session: Session, collector: Actor) -> RoutePlan | None:
    session.expire_all()
    return session.scalars(
        select(RoutePlan).where(
            RoutePlan.collector_id == collector.organisation_id, RoutePlan.day == DAY
        )
    ).one_or_none()


def sheet(session: Session, world: World) -> dispatch.RouteSheet:
    return dispatch.route_sheet(
        session, actor=world.operator, collector_id=world.collector_a.organisation_id, day=DAY
    )


def at_the_door(session: Session, world: World, pickup_id: int) -> None:
    orders.propose_adjustments(
        session,
        actor=world.collector_a,
        pickup_id=pickup_id,
        adjustments=[orders.AdjustmentRequest(0, "broken_screen", "photo:door")],
        now=T0,
    )


def test_the_route_sheet_follows_the_stored_order_with_etas_recomputed(
    session: Session, world: World
) -> None:
    order = zigzag_plan(session, world)
    shown = sheet(session, world)
    assert [s.pickup_id for s in shown.stops] == order
    assert shown.planned_by == "insertion"
    assert shown.planned_at == T0
    for before, after in zip(shown.stops, shown.stops[1:], strict=False):
        assert after.arrive >= before.start + timedelta(seconds=1)
    assert shown.late == 0


def test_reoptimising_straightens_a_bad_order_and_the_sheet_shows_it(
    session: Session, world: World
) -> None:
    zigzag_plan(session, world)
    before = sheet(session, world)
    reviews = dispatch.reoptimise_routes(session, now=T0)
    assert [(r.collector_id, r.changed) for r in reviews] == [
        (world.collector_a.organisation_id, True)
    ]
    after = sheet(session, world)
    assert after.planned_by == "reoptimised"
    assert after.distance_m < before.distance_m * 0.8
    assert reviews[0].before_m > reviews[0].after_m
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert list(plan.pickup_ids) == [s.pickup_id for s in after.stops]
    assert after.late == 0


def test_started_stops_and_those_before_them_never_move(session: Session, world: World) -> None:
    order = zigzag_plan(session, world)  # 5, 1, 4, 2, 3 km
    at_the_door(session, world, order[1])  # at the door of the 1 km pickup, after the 5 km one
    # A new pickup 1.5 km east is inserted before the worker runs: never before the door.
    newcomer = book(
        session, world.household_b, now=T0, at=east(1.5), starts=T0 + timedelta(hours=1), hours=8
    )
    assigned = dispatch.assign_pickup(session, actor=world.operator, pickup_id=newcomer.id, now=T0)
    assert assigned.collector_id == world.collector_a.organisation_id
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert list(plan.pickup_ids[:2]) == order[:2]
    assert newcomer.id in plan.pickup_ids[2:]
    assert plan.planned_by == "insertion"
    dispatch.reoptimise_routes(session, now=T0)
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert plan.planned_by == "reoptimised"
    assert list(plan.pickup_ids[:2]) == order[:2]
    assert sorted(plan.pickup_ids[2:]) == sorted([*order[2:], newcomer.id])
    assert [s.pickup_id for s in sheet(session, world).stops[:2]] == order[:2]


def test_the_job_is_idempotent_and_due_again_after_five_minutes(
    session: Session, world: World
) -> None:
    zigzag_plan(session, world)
    first = dispatch.reoptimise_routes(session, now=T0)
    assert len(first) == 1
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    order, planned_at = plan.pickup_ids, plan.planned_at
    assert dispatch.reoptimise_routes(session, now=T0 + timedelta(minutes=4)) == []
    later = T0 + dispatch.REVIEW_EVERY
    again = dispatch.reoptimise_routes(session, now=later)
    assert [r.changed for r in again] == [False]
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert plan.pickup_ids == order
    assert plan.planned_at == planned_at
    assert plan.reviewed_at == later


def test_a_cancelled_or_collected_pickup_leaves_the_stored_order_cleanly(
    session: Session, world: World
) -> None:
    order = zigzag_plan(session, world)
    orders.cancel_pickup(session, actor=world.operator, pickup_id=order[2], now=T0)
    shown = sheet(session, world)
    assert [s.pickup_id for s in shown.stops] == [order[0], order[1], order[3], order[4]]
    assert shown.stops[2].leg_m > 0  # driven from the 1 km stop straight to the 2 km one
    dispatch.reoptimise_routes(session, now=T0)
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert order[2] not in plan.pickup_ids
    assert sorted(plan.pickup_ids) == sorted([order[0], order[1], order[3], order[4]])


def test_a_collector_without_a_plan_gets_one_from_the_worker(
    session: Session, world: World
) -> None:
    by_hand(session, world, 2)
    by_hand(session, world, 1)
    assert plan_of(session, world.collector_a) is None
    unplanned = sheet(session, world)
    assert unplanned.planned_at is None
    dispatch.reoptimise_routes(session, now=T0)
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert list(plan.pickup_ids) == [s.pickup_id for s in sheet(session, world).stops]
    assert plan.reviewed_at == T0


def test_a_pickup_assigned_by_hand_takes_its_cheapest_place_in_the_plan(
    session: Session, world: World
) -> None:
    ids = [by_hand(session, world, km) for km in (1, 3)]
    live_routes.store_plan(
        session,
        collector_id=world.collector_a.organisation_id,
        day=DAY,
        order=ids,
        by="insertion",
        now=T0,
    )
    between = by_hand(session, world, 2)
    assert [s.pickup_id for s in sheet(session, world).stops] == [ids[0], between, ids[1]]


def test_an_accepted_offer_is_inserted_into_the_stored_order(
    session: Session, world: World
) -> None:
    order = zigzag_plan(session, world)
    pickup = book(
        session, world.household_b, now=T0, at=east(2.5), starts=T0 + timedelta(hours=1), hours=8
    )
    made = dispatch.offer_pickup(
        session, actor=world.operator, pickup_id=pickup.id, now=T0, collectors=2
    )
    offer = next(o for o in made if o.collector_id == world.collector_a.organisation_id)
    dispatch.accept_offer(session, actor=world.collector_a, offer_id=offer.id, now=T0)
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert sorted(plan.pickup_ids) == sorted([*order, pickup.id])
    assert [i for i in plan.pickup_ids if i != pickup.id] == order


def test_the_worker_runs_the_job_each_round_and_only_due_routes(
    session: Session, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    zigzag_plan(session, world)
    session.commit()
    assert run_due_jobs(session_factory, clock)["reoptimise_routes"] == 1
    assert run_due_jobs(session_factory, clock)["reoptimise_routes"] == 0
    clock.advance(dispatch.REVIEW_EVERY)
    assert run_due_jobs(session_factory, clock)["reoptimise_routes"] == 1
    plan = plan_of(session, world.collector_a)
    assert plan is not None
    assert plan.planned_by == "reoptimised"
