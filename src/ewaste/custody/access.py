"""Who may see a unit's chain."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.custody.models import Unit
from ewaste.custody.repository import CustodyRepository
from ewaste.custody.rules import UnitNotFound, parse_unit_code
from ewaste.identity import Actor, Permission


def access_unit_trace(session: Session, *, actor: Actor, unit_code: str) -> Unit:
    """Return the unit if the actor may read its chain; otherwise UnitNotFound.

    Auditors (regulator, operator) see every unit; the household sees the units it
    handed over; any other party sees only units it gave or received.
    """
    code = parse_unit_code(unit_code)
    repo = CustodyRepository(session)
    unit = repo.unit_by_code(code)
    if unit is None:
        raise UnitNotFound(unit_code=code)
    if actor.can(Permission.AUDIT_UNIT_TRACE):
        return unit
    if not actor.can(Permission.PARTY_UNIT_TRACE):
        raise UnitNotFound(unit_code=code)
    if unit.household_id == actor.organisation_id:
        return unit
    if repo.handled_by(unit.id, actor.organisation_id):
        return unit
    raise UnitNotFound(unit_code=code)
