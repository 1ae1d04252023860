"""Dispatch use cases (foundation): register collectors, assign pickups to the nearest one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import custody, identity, orders, routing
from ewaste.dispatch import rules
from ewaste.dispatch.models import CollectorProfile
from ewaste.dispatch.repository import CollectorRepository
from ewaste.dispatch.rules import Candidate, CollectorNotFound, NoEligibleCollector, Vehicle
from ewaste.identity import Actor, Permission
from ewaste.kernel.errors import InvalidInput


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
) -> CollectorProfile:
    """Give a collector organisation its vehicle profile: what it carries (grams, litres;
    the volume defaults to the vehicle kind's), its working day (minutes after midnight,
    China time), its skills and the station it ends the day at (None: the nearest).

    Raises CollectorNotFound, InvalidCapacity, InvalidVolume, InvalidShift, UnknownSkill,
    InvalidInput (no base location, or `station_id` is no station).
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
        active=True,
        badge=badge,
    )
    CollectorRepository(session).add(profile)
    return profile


def assign_pickup(
    session: Session, *, actor: Actor, pickup_id: int, now: datetime
) -> orders.PickupView:
    """Assign one requested pickup to the nearest active collector with room for it.

    Raises MissingPermission, PickupNotFound, NoEligibleCollector, IllegalPickupTransition.
    """
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    pickup = orders.get_pickup(session, actor=actor, pickup_id=pickup_id)
    candidates = _candidates(session)
    chosen = rules.nearest_eligible(candidates, at=pickup.location, grams=pickup.estimated_grams)
    if chosen is None:
        raise NoEligibleCollector(grams=pickup.estimated_grams, pickup_id=pickup_id)
    return orders.assign_collector(
        session,
        actor=actor,
        pickup_id=pickup_id,
        collector_id=chosen.collector_id,
        collector_role=identity.Role.COLLECTOR.value,
        now=now,
    )


def assign_waiting_pickups(
    session: Session, *, actor: Actor, now: datetime, limit: int = 500
) -> DispatchRound:
    """Assign every waiting pickup that some collector has room for, oldest window first."""
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    candidates = {c.collector_id: c for c in _candidates(session)}
    assigned = unassigned = 0
    for pickup in orders.waiting_pickups(session, now=now, limit=limit):
        chosen = rules.nearest_eligible(
            list(candidates.values()), at=pickup.location, grams=pickup.estimated_grams
        )
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
        candidates[chosen.collector_id] = Candidate(
            chosen.collector_id,
            chosen.base,
            chosen.capacity_grams,
            chosen.load_grams + pickup.estimated_grams,
        )
        assigned += 1
    return DispatchRound(assigned, unassigned)


def _candidates(session: Session) -> list[Candidate]:
    open_load = orders.open_load_by_collector(session)
    carried = custody.held_grams_by_holder(session, status=custody.UnitStatus.WITH_COLLECTOR.value)
    bases = {o.id: o.location for o in identity.organisations_by_role(session, "collector")}
    result = []
    for profile in CollectorRepository(session).active_locked():
        base = bases.get(profile.organisation_id)
        if base is None:
            continue
        load = open_load.get(profile.organisation_id, 0) + carried.get(profile.organisation_id, 0)
        result.append(Candidate(profile.organisation_id, base, profile.capacity_grams, load))
    return result
