"""Who may see or act on a pickup."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.identity import Actor, Permission
from ewaste.orders.models import Pickup
from ewaste.orders.repository import PickupRepository
from ewaste.orders.rules import PickupNotFound


def access_pickup(
    session: Session,
    *,
    actor: Actor,
    pickup_id: int,
    permission: Permission,
    for_update: bool = False,
) -> Pickup:
    """Return the pickup if the actor holds `permission` on it; otherwise PickupNotFound.

    Staff-wide permissions reach every pickup; a household's reach its own pickups;
    a collector's reach the pickups assigned to it.
    """
    repo = PickupRepository(session)
    pickup = repo.get_for_update(pickup_id) if for_update else repo.get(pickup_id)
    if pickup is None:
        raise PickupNotFound(pickup_id=pickup_id)
    if not actor.can(permission):
        raise PickupNotFound(pickup_id=pickup_id)
    if permission.is_staff_wide:
        return pickup
    if permission.value.startswith("household:") and pickup.household_id == actor.organisation_id:
        return pickup
    if permission.value.startswith("collector:") and pickup.collector_id == actor.organisation_id:
        return pickup
    raise PickupNotFound(pickup_id=pickup_id)


def access_pickup_for_reading(session: Session, *, actor: Actor, pickup_id: int) -> Pickup:
    """Return the pickup if any of the actor's read permissions reaches it."""
    for permission in (
        Permission.STAFF_PICKUP_READ,
        Permission.HOUSEHOLD_PICKUP_READ,
        Permission.COLLECTOR_PICKUP_READ,
    ):
        if actor.can(permission):
            return access_pickup(session, actor=actor, pickup_id=pickup_id, permission=permission)
    raise PickupNotFound(pickup_id=pickup_id)
