"""A collector's route sheet: its pickups of the day in driving order, with ETAs, for itself
and for staff only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from ewaste import dispatch, orders
from ewaste.identity import Actor, Role
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass
from tests.conftest import T0
from tests.factories import FUTIAN, LONGGANG, World, assign_to, book, build_world, make_party

DAY = date(2026, 11, 24)  # T0 is 10:00 in Shenzhen on this day


def booked(
    session: Session,
    world: World,
    *,
    at: GeoPoint,
    hours_ahead: float,
    length: float = 2,
    items: dict[str, int] | None = None,
    collector: Actor | None = None,
) -> int:
    """A pickup of household a, assigned by hand to `collector` (default: collector a)."""
    pickup = book(
        session,
        world.household_a,
        now=T0,
        items=items,
        at=at,
        starts=T0 + timedelta(hours=hours_ahead),
        hours=length,
        address="门牌",
    )
    assign_to(session, world, pickup.id, collector or world.collector_a, now=T0)
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


# --- what a pickup and a collector bring to the sheet ------------------------------------


def test_a_booking_carries_the_volume_time_and_skills_of_its_items(
    session: Session, world: World
) -> None:
    items = {"air_conditioner": 1, "refrigerator": 2}
    pickup = book(session, world.household_a, now=T0, items=items, at=FUTIAN)
    assert pickup.estimated_litres == 250 + 2 * 600
    assert pickup.service_seconds == 5 * 60 + (40 + 2 * 15) * 60
    assert pickup.skills == {"air_conditioner_removal", "refrigerant"}


def test_a_stop_needing_a_skill_the_collector_lacks_is_flagged(
    session: Session, world: World
) -> None:
    novice = make_party(session, Role.COLLECTOR, "col-novice", now=T0, at=near(1, 0))
    dispatch.register_collector(
        session,
        organisation_id=novice.organisation_id,
        vehicle=dispatch.Vehicle.VAN,
        capacity_grams=1_000_000,
        badge="T-NOVICE",
    )
    booked(
        session,
        world,
        at=near(1, 1),
        hours_ahead=2,
        items={"air_conditioner": 1},
        collector=novice,
    )
    sheet = dispatch.route_sheet(
        session, actor=world.operator, collector_id=novice.organisation_id, day=DAY
    )
    assert sheet.stops[0].missing_skills == {"air_conditioner_removal", "refrigerant"}


def test_a_collector_registers_its_shift_skills_volume_and_station(
    session: Session, world: World
) -> None:
    newcomer = make_party(session, Role.COLLECTOR, "col-new", now=T0, at=near(2, 2))
    dispatch.register_collector(
        session,
        organisation_id=newcomer.organisation_id,
        vehicle=dispatch.Vehicle.TRICYCLE,
        capacity_grams=300_000,
        badge="T-NEW",
        shift_minutes=(9 * 60, 17 * 60),
        skills=frozenset({"refrigerant"}),
        station_id=world.station_b.organisation_id,
    )
    sheet = dispatch.route_sheet(
        session, actor=world.operator, collector_id=newcomer.organisation_id, day=DAY
    )
    assert sheet.station == LONGGANG  # its chosen station, not the nearest (Futian)
    assert sheet.vehicle == "tricycle"
    # Nothing to collect: it leaves at 09:00, the start of its shift, and rides the
    # ~30 road-km to Longgang at a tricycle's 12 km/h.
    assert sheet.distance_m > 25_000
    assert sheet.back.hour == 9 + sheet.distance_m * 3.6 // 12 // 3600


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"shift_minutes": (1200, 480)}, dispatch.InvalidShift),
        ({"skills": frozenset({"crane"})}, dispatch.UnknownSkill),
        ({"capacity_litres": 100_000}, dispatch.InvalidVolume),
        ({"station_id": -1}, InvalidInput),
    ],
)
def test_a_bad_collector_profile_is_refused_and_nothing_stored(
    session: Session, world: World, change: dict[str, object], error: type[Exception]
) -> None:
    newcomer = make_party(session, Role.COLLECTOR, "col-bad", now=T0, at=near(2, 2))
    arguments: dict[str, object] = {
        "organisation_id": newcomer.organisation_id,
        "vehicle": dispatch.Vehicle.VAN,
        "capacity_grams": 1_000_000,
        "badge": "T-BAD",
        **change,
    }
    if change.get("station_id") == -1:
        arguments["station_id"] = world.plant_a.organisation_id  # an organisation, not a station
    with pytest.raises(error):
        dispatch.register_collector(session, **arguments)  # type: ignore[arg-type]
    with pytest.raises(dispatch.CollectorNotFound):
        dispatch.route_sheet(
            session, actor=world.operator, collector_id=newcomer.organisation_id, day=DAY
        )


def test_todays_sheet_starts_where_the_collector_last_collected_and_not_before_now(
    session: Session, world: World
) -> None:
    # Collector a collected 10 km north of its base at 10:30; at 11:00 it still has one stop.
    done = booked(session, world, at=near(10, 0), hours_ahead=0.25, length=1)
    next_stop = booked(session, world, at=near(11, 0), hours_ahead=0.5, length=3)
    orders.collect_pickup(
        session,
        actor=world.collector_a,
        pickup_id=done,
        units=[orders.DoorUnit("tv_flat", Mass(18_000))],
        now=T0 + timedelta(minutes=30),
    )
    now = T0 + timedelta(hours=1)
    today = dispatch.route_sheet(
        session,
        actor=world.collector_a,
        collector_id=world.collector_a.organisation_id,
        day=DAY,
        now=now,
    )
    assert today.base == near(10, 0)
    (stop,) = today.stops
    assert stop.pickup_id == next_stop
    assert 1_000 <= stop.leg_m <= 1_500  # 1 km north, by road
    assert stop.arrive >= now
    # Without `now` the sheet is the day's plan: from the base when the shift starts.
    plan = dispatch.route_sheet(
        session, actor=world.operator, collector_id=world.collector_a.organisation_id, day=DAY
    )
    assert plan.base == FUTIAN
    assert plan.stops[0].leg_m > 10_000
    # Staff see the same remaining kilometres on the day's list.
    (line,) = [
        r
        for r in dispatch.route_summaries(session, actor=world.operator, day=DAY, now=now)
        if r.collector_id == world.collector_a.organisation_id
    ]
    assert line.distance_m == today.distance_m
