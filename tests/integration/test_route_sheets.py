"""A collector's route sheet: its pickups of the day in driving order, with ETAs, for itself
and for staff only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from ewaste import dispatch, orders, pricing
from ewaste.kernel.geo import GeoPoint
from tests.conftest import T0
from tests.factories import FUTIAN, LONGGANG, World, build_world

DAY = date(2026, 11, 24)  # T0 is 10:00 in Shenzhen on this day


def booked(
    session: Session, world: World, *, at: GeoPoint, hours_ahead: float, length: float = 2
) -> int:
    quote = pricing.create_quote(
        session,
        actor=world.household_a,
        now=T0,
        valid_for=timedelta(hours=24),
        items=[pricing.ItemRequest("tv_flat", 1)],
    )
    start = T0 + timedelta(hours=hours_ahead)
    pickup = orders.book_pickup(
        session,
        actor=world.household_a,
        quote_id=quote.id,
        address=f"门牌 {quote.id}",
        location=at,
        window=orders.TimeWindow(start, start + timedelta(hours=length)),
        contact_name="李女士",
        contact_phone="13800138000",
        now=T0,
    )
    orders.assign_collector(
        session,
        actor=world.operator,
        pickup_id=pickup.id,
        collector_id=world.collector_a.organisation_id,
        collector_role="collector",
        now=T0,
    )
    return pickup.id


def near(km_north: float, km_east: float) -> GeoPoint:
    return GeoPoint(FUTIAN.lat + km_north / 111.0, FUTIAN.lon + km_east / 103.0)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def test_stops_come_in_window_order_with_etas_inside_their_windows(
    session: Session, world: World
) -> None:
    late_afternoon = booked(session, world, at=near(2, 1), hours_ahead=6)
    noon = booked(session, world, at=near(-1, 3), hours_ahead=2)
    afternoon = booked(session, world, at=near(3, -2), hours_ahead=4)
    sheet = dispatch.route_sheet(
        session, actor=world.collector_a, collector_id=world.collector_a.organisation_id, day=DAY
    )
    assert [s.pickup_id for s in sheet.stops] == [noon, afternoon, late_afternoon]
    assert [s.sequence for s in sheet.stops] == [1, 2, 3]
    for stop in sheet.stops:
        assert not stop.late
        assert stop.arrive <= stop.start
        assert stop.window_start <= stop.start <= stop.window_end
        assert stop.leg_m > 0
    assert sheet.late == 0
    assert sheet.distance_m >= sum(s.leg_m for s in sheet.stops)
    assert sheet.back > sheet.stops[-1].start


def test_a_stop_that_cannot_be_reached_in_its_window_is_last_and_flagged(
    session: Session, world: World
) -> None:
    here = booked(session, world, at=near(0.5, 0.5), hours_ahead=2, length=0.25)
    far = booked(session, world, at=LONGGANG, hours_ahead=2, length=0.25)
    sheet = dispatch.route_sheet(
        session, actor=world.operator, collector_id=world.collector_a.organisation_id, day=DAY
    )
    assert [s.pickup_id for s in sheet.stops] == [here, far]
    assert sheet.stops[1].late
    assert sheet.late == 1


def test_a_pickup_of_another_day_is_not_on_the_sheet(session: Session, world: World) -> None:
    booked(session, world, at=near(1, 1), hours_ahead=2)
    tomorrow = dispatch.route_sheet(
        session,
        actor=world.collector_a,
        collector_id=world.collector_a.organisation_id,
        day=DAY + timedelta(days=1),
    )
    assert tomorrow.stops == ()
    assert tomorrow.distance_m == 0  # collector_a's base and its station are both in Futian
    today = dispatch.route_sheet(
        session, actor=world.collector_a, collector_id=world.collector_a.organisation_id, day=DAY
    )
    assert len(today.stops) == 1


@pytest.mark.parametrize("who", ["collector_b", "household_a", "station_a", "regulator"])
def test_only_the_collector_itself_and_staff_see_a_sheet(
    session: Session, world: World, who: str
) -> None:
    with pytest.raises(dispatch.CollectorNotFound):
        dispatch.route_sheet(
            session,
            actor=getattr(world, who),
            collector_id=world.collector_a.organisation_id,
            day=DAY,
        )


def test_an_organisation_that_is_no_collector_has_no_sheet(session: Session, world: World) -> None:
    with pytest.raises(dispatch.CollectorNotFound):
        dispatch.route_sheet(
            session, actor=world.operator, collector_id=world.station_a.organisation_id, day=DAY
        )
