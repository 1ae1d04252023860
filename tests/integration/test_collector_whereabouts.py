"""Dispatch plans today's routes from where each collector is and what it carries: the door
of its latest collection (or the station it last delivered to), and the weight and room of
the units still on its vehicle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste import custody, dispatch, identity, orders, pricing
from ewaste.custody.models import CustodyEvent
from ewaste.dispatch.board import whereabouts
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass
from tests.conftest import T0
from tests.factories import FUTIAN, LONGGANG, World, assign_to, book, build_world

NEAR_LONGGANG = GeoPoint(LONGGANG.lat + 0.01, LONGGANG.lon)
NEAR_FUTIAN = GeoPoint(FUTIAN.lat + 0.01, FUTIAN.lon)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def booked(
    session: Session, world: World, at: GeoPoint, *, items: dict[str, int] | None = None
) -> orders.PickupView:
    return book(
        session, world.household_a, now=T0, items=items, at=at, starts=T0 + timedelta(hours=1)
    )


def collected_by_a(
    session: Session, world: World, at: GeoPoint, *, items: dict[str, int] | None = None
) -> orders.Collection:
    """Collector A (based in Futian) collects a pickup at `at`, 30 minutes after T0."""
    pickup = booked(session, world, at, items=items)
    assign_to(session, world, pickup.id, world.collector_a, now=T0)
    quote = pricing.quote_by_id(session, pickup.quote_id)
    assert quote is not None
    units = [
        orders.DoorUnit(item.category_code, Mass(item.unit_mass_g))
        for item in quote.items
        for _ in range(item.quantity)
    ]
    return orders.collect_pickup(
        session,
        actor=world.collector_a,
        pickup_id=pickup.id,
        units=units,
        now=T0 + timedelta(minutes=30),
    )


def assigned_to(session: Session, world: World, pickup: orders.PickupView) -> int | None:
    done = dispatch.assign_pickup(
        session, actor=world.operator, pickup_id=pickup.id, now=T0 + timedelta(minutes=40)
    )
    return done.collector_id


def test_a_collector_is_planned_from_the_door_of_its_latest_collection(
    session: Session, world: World
) -> None:
    # From its base in Futian, A is 28 km from Longgang: B, based there, takes the pickup.
    first = booked(session, world, NEAR_LONGGANG)
    assert assigned_to(session, world, first) == world.collector_b.organisation_id
    # A has just collected next door: the next pickup there costs it nothing on its way back.
    collected_by_a(session, world, NEAR_LONGGANG)
    second = booked(session, world, NEAR_LONGGANG)
    assert assigned_to(session, world, second) == world.collector_a.organisation_id


def test_what_a_collector_carries_takes_room_on_its_vehicle(session: Session, world: World) -> None:
    # Nine fridges (600 litres each) fill 5,400 of the van's 6,000 litres.
    collected_by_a(session, world, NEAR_FUTIAN, items={"refrigerator": 9})
    two_fridges = booked(session, world, NEAR_FUTIAN, items={"refrigerator": 2})
    assert assigned_to(session, world, two_fridges) == world.collector_b.organisation_id
    # A small item still fits the room left.
    tv = booked(session, world, NEAR_FUTIAN)
    assert assigned_to(session, world, tv) == world.collector_a.organisation_id


def test_after_delivering_a_collector_is_at_the_station_with_an_empty_vehicle(
    session: Session, world: World
) -> None:
    collection = collected_by_a(session, world, NEAR_LONGGANG, items={"refrigerator": 9})
    station = world.station_a
    custody.hand_over(
        session,
        actor=station,
        unit_codes=list(collection.unit_codes),
        handover=custody.Handover(
            kind=custody.HandoverKind.DELIVER,
            from_id=world.collector_a.organisation_id,
            to_id=station.organisation_id,
            at=T0 + timedelta(minutes=35),
            place=None,
            ref="station-receipt",
        ),
    )
    stations = identity.locations_by_role(session, "station")
    now = whereabouts(session, stations, now=T0 + timedelta(minutes=40))
    a = now[world.collector_a.organisation_id]
    assert a.position == stations[station.organisation_id]
    assert (a.carried.grams, a.carried.litres) == (0, 0)
    two_fridges = booked(session, world, NEAR_FUTIAN, items={"refrigerator": 2})
    assert assigned_to(session, world, two_fridges) == world.collector_a.organisation_id


def test_whereabouts_count_only_today_and_ignore_corrections(
    session: Session, world: World
) -> None:
    collection = collected_by_a(session, world, NEAR_LONGGANG)
    stations = identity.locations_by_role(session, "station")
    tomorrow = whereabouts(session, stations, now=T0 + timedelta(days=1))
    a = tomorrow[world.collector_a.organisation_id]
    assert a.position is None  # not seen yet that day
    assert a.carried.grams > 0  # what it did not deliver is still on board
    assert a.carried.litres == 120  # one flat TV
    (unit,) = custody.units_by_codes(session, list(collection.unit_codes))
    event = session.scalars(select(CustodyEvent).where(CustodyEvent.unit_id == unit.id)).one()
    custody.correct_event(
        session,
        actor=world.operator,
        event_id=event.id,
        reason="the door was next door",
        mass=None,
        place=NEAR_FUTIAN,
        evidence=None,
        ref=None,
    )
    today = whereabouts(session, stations, now=T0 + timedelta(minutes=40))
    # The correction is not a handover: A was last seen at the door of its collection.
    assert today[world.collector_a.organisation_id].position == NEAR_LONGGANG
    assert world.collector_b.organisation_id not in today
