"""Assignment by live insertion: a pickup goes to the collector whose route of the day takes
it for the fewest extra metres, within windows, shift, capacities and skills."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from ewaste import dispatch, orders
from ewaste.dispatch.models import CollectorProfile
from ewaste.identity import Role
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.geo import GeoPoint
from tests.conftest import T0
from tests.factories import FUTIAN, LONGGANG, World, book, build_world, make_party


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def request_pickup(
    session: Session,
    world: World,
    *,
    at: GeoPoint,
    hours_ahead: float = 2,
    items: dict[str, int] | None = None,
) -> orders.PickupView:
    return book(
        session,
        world.household_a,
        now=T0,
        items=items,
        at=at,
        starts=T0 + timedelta(hours=hours_ahead),
        address="门牌",
    )


def assign(session: Session, world: World, pickup: orders.PickupView) -> int | None:
    done = dispatch.assign_pickup(session, actor=world.operator, pickup_id=pickup.id, now=T0)
    return done.collector_id


def test_a_pickup_goes_to_the_collector_whose_day_it_fits_best(
    session: Session, world: World
) -> None:
    near_longgang = GeoPoint(LONGGANG.lat + 0.01, LONGGANG.lon)
    assert assign(session, world, request_pickup(session, world, at=near_longgang)) == (
        world.collector_b.organisation_id
    )
    near_futian = GeoPoint(FUTIAN.lat + 0.01, FUTIAN.lon)
    assert assign(session, world, request_pickup(session, world, at=near_futian)) == (
        world.collector_a.organisation_id
    )


def test_a_pickup_needing_a_skill_goes_to_a_collector_who_has_it(
    session: Session, world: World
) -> None:
    # A novice lives next door but may not take an air conditioner off the wall.
    novice = make_party(session, Role.COLLECTOR, "col-novice", now=T0, at=FUTIAN)
    dispatch.register_collector(
        session,
        organisation_id=novice.organisation_id,
        vehicle=dispatch.Vehicle.VAN,
        capacity_grams=1_000_000,
        badge="T-NOVICE",
    )
    ac = request_pickup(session, world, at=FUTIAN, items={"air_conditioner": 1})
    assert assign(session, world, ac) in {
        world.collector_a.organisation_id,
        world.collector_b.organisation_id,
    }
    tv = request_pickup(session, world, at=FUTIAN)
    assert assign(session, world, tv) in {
        novice.organisation_id,
        world.collector_a.organisation_id,
    }


def test_a_pickup_no_route_can_take_is_refused_and_stays_requested(
    session: Session, world: World
) -> None:
    # 40 air conditioners: 27 hours at the door, 10,000 litres — no day holds that.
    huge = request_pickup(session, world, at=FUTIAN, items={"air_conditioner": 40})
    with pytest.raises(dispatch.NoEligibleCollector):
        dispatch.assign_pickup(session, actor=world.operator, pickup_id=huge.id, now=T0)
    again = orders.get_pickup(session, actor=world.operator, pickup_id=huge.id)
    assert again.status == "requested"
    assert again.collector_id is None


def test_a_worker_round_fills_routes_and_keeps_each_day_feasible(
    session: Session, world: World
) -> None:
    places = [GeoPoint(FUTIAN.lat + 0.005 * k, FUTIAN.lon + 0.004 * k) for k in range(6)]
    for k, place in enumerate(places):
        request_pickup(session, world, at=place, hours_ahead=1 + k)
    done = dispatch.assign_waiting_pickups(session, actor=world.operator, now=T0)
    assert done.assigned == 6
    assert done.unassigned == 0
    for collector in (world.collector_a, world.collector_b):
        sheet = dispatch.route_sheet(
            session,
            actor=world.operator,
            collector_id=collector.organisation_id,
            day=(T0 + timedelta(hours=8)).astimezone(CHINA_TIME).date(),
        )
        assert sheet.late == 0
        assert all(not s.missing_skills for s in sheet.stops)


def test_a_collector_with_a_service_area_gets_only_pickups_inside_it(
    session: Session, world: World
) -> None:
    # Both factory collectors retire; a local one serves 3 km around Futian only.
    for collector in (world.collector_a, world.collector_b):
        session.execute(
            update(CollectorProfile)
            .where(CollectorProfile.organisation_id == collector.organisation_id)
            .values(active=False)
        )
    local = make_party(session, Role.COLLECTOR, "col-local", now=T0, at=FUTIAN)
    dispatch.register_collector(
        session,
        organisation_id=local.organisation_id,
        vehicle=dispatch.Vehicle.VAN,
        capacity_grams=1_000_000,
        badge="T-LOCAL",
        skills=dispatch.SKILLS,
        area=(FUTIAN, 3_000),
    )
    inside = request_pickup(session, world, at=GeoPoint(FUTIAN.lat + 0.01, FUTIAN.lon))
    assert assign(session, world, inside) == local.organisation_id
    outside = request_pickup(session, world, at=LONGGANG)
    with pytest.raises(dispatch.NoEligibleCollector):
        dispatch.assign_pickup(session, actor=world.operator, pickup_id=outside.id, now=T0)


def test_a_service_area_with_a_silly_radius_is_refused(session: Session, world: World) -> None:
    local = make_party(session, Role.COLLECTOR, "col-tiny", now=T0, at=FUTIAN)
    with pytest.raises(dispatch.InvalidArea):
        dispatch.register_collector(
            session,
            organisation_id=local.organisation_id,
            vehicle=dispatch.Vehicle.VAN,
            capacity_grams=1_000_000,
            badge="T-TINY",
            area=(FUTIAN, 5),
        )
