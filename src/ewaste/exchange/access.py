"""Who may see or act on a lot."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.exchange.models import Lot
from ewaste.exchange.repository import ExchangeRepository
from ewaste.exchange.rules import LotNotFound, LotStatus
from ewaste.identity import Actor, Permission, Role
from ewaste.kernel.errors import NotFound


def access_lot(
    session: Session,
    *,
    actor: Actor,
    lot_id: int,
    permission: Permission,
    for_update: bool = False,
) -> Lot:
    """Return the lot if the actor holds `permission` on it; otherwise LotNotFound.

    Staff-wide permissions reach every lot; station permissions reach the station's
    own lots; plant permissions reach listed lots (to read or buy them) and lots the
    plant bought.
    """
    repo = ExchangeRepository(session)
    lot = repo.lot_for_update(lot_id) if for_update else repo.lot(lot_id)
    if lot is None:
        raise LotNotFound(lot_id=lot_id)
    if not actor.can(permission):
        raise LotNotFound(lot_id=lot_id)
    if permission.is_staff_wide:
        return lot
    if permission.value.startswith("station:") and lot.station_id == actor.organisation_id:
        return lot
    if permission.value.startswith("plant:") and lot.plant_id == actor.organisation_id:
        return lot
    if permission in _OPEN_MARKET and lot.status == LotStatus.LISTED.value:
        return lot
    raise LotNotFound(lot_id=lot_id)


_OPEN_MARKET = frozenset({Permission.PLANT_LOT_READ, Permission.PLANT_LOT_BUY})


def access_lot_for_reading(session: Session, *, actor: Actor, lot_id: int) -> Lot:
    """Return the lot if any of the actor's read permissions reaches it."""
    for permission in (
        Permission.STAFF_LOT_READ,
        Permission.STATION_LOT_READ,
        Permission.PLANT_LOT_READ,
    ):
        if actor.can(permission):
            return access_lot(session, actor=actor, lot_id=lot_id, permission=permission)
    raise LotNotFound(lot_id=lot_id)


class PlantNotFound(NotFound):
    """No plant with this id visible to the actor."""

    code = "exchange.plant_not_found"
    message = "Plant {plant_id} not found."


def access_plant(session: Session, actor: Actor, plant_id: int) -> None:
    """Allow the plant itself and staff (operators, regulators) to read a plant's licences,
    assessments and capacity; PlantNotFound for everyone else and for a missing plant."""
    if actor.can(Permission.STAFF_LOT_READ):
        org = identity.organisation_row(session, plant_id)
        if org is None or org.role != Role.PLANT.value:
            raise PlantNotFound(plant_id=plant_id)
        return
    if actor.can(Permission.PLANT_LOT_READ) and actor.organisation_id == plant_id:
        return
    raise PlantNotFound(plant_id=plant_id)
