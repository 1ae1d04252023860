"""Dispatch use cases: register collectors, insert pickups into their live routes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import identity, orders, routing
from ewaste.dispatch import offers, rules
from ewaste.dispatch.board import Board
from ewaste.dispatch.models import CollectorProfile
from ewaste.dispatch.repository import CollectorRepository, OfferRepository
from ewaste.dispatch.rules import CollectorNotFound, NoEligibleCollector, Vehicle
from ewaste.identity import Actor, Permission
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.geo import GeoPoint


@dataclass(frozen=True, slots=True)
class DispatchRound:
    """What one assignment round did."""

    assigned: int
    unassigned: int


def register_collector(
    session: Session,
    *,
    organisation_id: int,
    vehicle: Vehicle,
    capacity_grams: int,
    badge: str,
    capacity_litres: int | None = None,
    shift_minutes: tuple[int, int] = (8 * 60, 20 * 60),
    skills: frozenset[str] = frozenset(),
    station_id: int | None = None,
    area: tuple[GeoPoint, int] | None = None,
) -> CollectorProfile:
    """Give a collector organisation its vehicle profile: what it carries (grams, litres;
    the volume defaults to the vehicle kind's), its working day (minutes after midnight,
    China time), its skills, the station it ends the day at (None: the nearest) and its
    service area (a centre and a radius in metres; None: the whole city).

    Raises CollectorNotFound, InvalidCapacity, InvalidVolume, InvalidShift, UnknownSkill,
    InvalidArea, InvalidInput (no base location, or `station_id` is no station).
    """
    org = identity.organisation_row(session, organisation_id)
    if org is None or org.role != identity.Role.COLLECTOR.value:
        raise CollectorNotFound(collector_id=organisation_id)
    if org.location is None:
        raise InvalidInput("A collector needs a base location.", collector_id=organisation_id)
    rules.check_capacity(capacity_grams)
    litres = capacity_litres or routing.VEHICLES[vehicle.value].capacity_l
    rules.check_volume(litres)
    rules.check_shift(*shift_minutes)
    stored_skills = rules.check_skills(skills)
    if area is not None:
        rules.check_area_radius(area[1])
    if station_id is not None:
        station = identity.organisation_row(session, station_id)
        if station is None or station.role != identity.Role.STATION.value:
            raise InvalidInput(
                f"Organisation {station_id} is not a station.", station_id=station_id
            )
    profile = CollectorProfile(
        organisation_id=organisation_id,
        vehicle=vehicle.value,
        capacity_grams=capacity_grams,
        capacity_litres=litres,
        shift_start_minute=shift_minutes[0],
        shift_end_minute=shift_minutes[1],
        skills=stored_skills,
        station_id=station_id,
        area_lat=area[0].lat if area else None,
        area_lon=area[0].lon if area else None,
        area_radius_m=area[1] if area else None,
        active=True,
        badge=badge,
    )
    CollectorRepository(session).add(profile)
    return profile


def assign_pickup(
    session: Session, *, actor: Actor, pickup_id: int, now: datetime
) -> orders.PickupView:
    """Assign one requested pickup to the collector whose live route takes it for the
    fewest extra metres, keeping every window, the shift, both capacities and skills; it
    goes into that route's stored order where it costs least (started stops stay put).

    Raises MissingPermission, PickupNotFound, NoEligibleCollector, IllegalPickupTransition.
    """
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    pickup = orders.get_pickup(session, actor=actor, pickup_id=pickup_id)
    board = Board(session, now)
    chosen = board.best_for(pickup)
    if chosen is None:
        raise NoEligibleCollector(grams=pickup.estimated_grams, pickup_id=pickup_id)
    assigned = orders.assign_collector(
        session,
        actor=actor,
        pickup_id=pickup_id,
        collector_id=chosen.collector_id,
        collector_role=identity.Role.COLLECTOR.value,
        now=now,
    )
    board.place(pickup, chosen)
    offers.withdraw_offers(session, pickup_id=pickup_id, now=now)
    return assigned


def assign_waiting_pickups(
    session: Session, *, actor: Actor, now: datetime, limit: int = 500
) -> DispatchRound:
    """Insert every waiting pickup, oldest window first, into the live route where it
    costs least; a pickup no route can take stays waiting."""
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    board = Board(session, now)
    offered = OfferRepository(session).open_pickup_ids()
    assigned = unassigned = 0
    for pickup in orders.waiting_pickups(session, now=now, limit=limit):
        if pickup.id in offered:
            continue  # waiting for a collector's answer (dispatch/offers.py)
        chosen = board.best_for(pickup)
        if chosen is None:
            unassigned += 1
            continue
        orders.assign_collector(
            session,
            actor=actor,
            pickup_id=pickup.id,
            collector_id=chosen.collector_id,
            collector_role=identity.Role.COLLECTOR.value,
            now=now,
        )
        board.place(pickup, chosen)
        assigned += 1
    return DispatchRound(assigned, unassigned)
