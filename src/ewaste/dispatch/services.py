"""Dispatch use cases (foundation): register collectors, assign pickups to the nearest one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import custody, identity, orders
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
    session: Session, *, organisation_id: int, vehicle: Vehicle, capacity_grams: int, badge: str
) -> CollectorProfile:
    """Give a collector organisation its vehicle profile. Raises InvalidCapacity, InvalidInput."""
    org = identity.organisation_row(session, organisation_id)
    if org is None or org.role != identity.Role.COLLECTOR.value:
        raise CollectorNotFound(collector_id=organisation_id)
    if org.location is None:
        raise InvalidInput("A collector needs a base location.", collector_id=organisation_id)
    rules.check_capacity(capacity_grams)
    profile = CollectorProfile(
        organisation_id=organisation_id,
        vehicle=vehicle.value,
        capacity_grams=capacity_grams,
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
