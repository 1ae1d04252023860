"""Who may see a unit's chain, and who may correct a custody event."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.custody.models import CustodyEvent, Unit
from ewaste.custody.repository import CustodyRepository
from ewaste.custody.rules import EventNotFound, UnitNotFound, parse_unit_code
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


def access_event_correction(session: Session, *, actor: Actor, event_id: int) -> CustodyEvent:
    """Return the event if the actor may correct it; otherwise EventNotFound.

    Operators (staff:custody:correct) may correct any event; a collector, station or
    plant (party:custody:correct) only an event its organisation gave or received.
    Households, producers and regulators may not: they get EventNotFound, as for a
    missing id, so event ids cannot be probed.
    """
    event = CustodyRepository(session).event_by_id(event_id)
    if event is None:
        raise EventNotFound(event_id=event_id)
    if actor.can(Permission.STAFF_CUSTODY_CORRECT):
        return event
    if not actor.can(Permission.PARTY_CUSTODY_CORRECT):
        raise EventNotFound(event_id=event_id)
    if actor.organisation_id in (event.from_id, event.to_id):
        return event
    raise EventNotFound(event_id=event_id)
