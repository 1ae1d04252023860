"""Custody use cases: tag a unit at the door and record each later handover."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste.custody.access import access_event_correction, access_unit_trace
from ewaste.custody.models import CustodyEvent, Unit, UnitReceipt
from ewaste.custody.repository import CustodyRepository, ReservationRepository
from ewaste.custody.reservations import check_reserved_code, fresh_unit_codes
from ewaste.custody.rules import (
    HandoverKind,
    UnitNotFound,
    UnitStatus,
    WrongHolder,
    new_receipt_code,
    next_unit_status,
    parse_unit_code,
)
from ewaste.custody.trace import UnitTrace, unit_trace
from ewaste.identity import Actor
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass


class DuplicateUnitCodes(InvalidInput):
    """The same unit code was given twice in one handover."""

    code = "custody.duplicate_unit_codes"
    message = "Unit code {unit_code} appears more than once."


@dataclass(frozen=True, slots=True)
class Handover:
    """Where, when and by whom a handover happened, shared by every unit in it."""

    kind: HandoverKind
    from_id: int
    to_id: int
    at: datetime
    place: GeoPoint | None
    ref: str
    evidence: str = ""


def tag_unit(
    session: Session,
    *,
    actor: Actor,
    category_code: str,
    household_id: int,
    source_ref: str,
    mass: Mass,
    place: GeoPoint | None,
    now: datetime,
    evidence: str = "",
    code: str | None = None,
) -> Unit:
    """Create a unit held by the actor's organisation, its first event and its receipt code.

    The unit gets a fresh code, or `code` when given: a code reserved by the actor's
    organisation, unused and valid at `now` (which may be a device time, for a tag
    made offline and synced later). The first event is the household's handover to
    the collector at the door. Raises InvalidInput (no mass), InvalidUnitCode,
    CodeNotReserved, UnitCodeUsed and ReservationExpired. Runs inside the caller's
    transaction.
    """
    if mass.grams <= 0:
        raise InvalidInput("A unit must weigh more than 0 g.", grams=mass.grams)
    repo = CustodyRepository(session)
    reservations = ReservationRepository(session)
    if code is None:
        code = fresh_unit_codes(reservations, 1)[0]
    else:
        code = check_reserved_code(session, actor=actor, code=code, at=now)
    status = next_unit_status(None, HandoverKind.COLLECT)
    unit = Unit(
        code=code,
        category_code=category_code,
        household_id=household_id,
        holder_id=actor.organisation_id,
        source_ref=source_ref,
        door_grams=mass.grams,
        status=status.value,
        tagged_at=now,
    )
    repo.add_unit(unit)
    repo.append_event(
        CustodyEvent(
            unit_id=unit.id,
            seq=1,
            kind=HandoverKind.COLLECT.value,
            from_id=household_id,
            to_id=actor.organisation_id,
            occurred_at=now,
            lat=place.lat if place else None,
            lon=place.lon if place else None,
            grams=mass.grams,
            evidence=evidence,
            ref=source_ref,
            recorded_by=actor.user_id,
        )
    )
    receipt = new_receipt_code()
    while reservations.receipt_taken(receipt):  # 60 random bits: practically never loops
        receipt = new_receipt_code()
    reservations.add_receipt(UnitReceipt(unit_id=unit.id, code=receipt))
    return unit


def hand_over(
    session: Session,
    *,
    actor: Actor,
    unit_codes: Sequence[str],
    handover: Handover,
    grams_by_code: dict[str, int] | None = None,
) -> Sequence[Unit]:
    """Record one handover for each unit, in unit-id order, and move each unit's status.

    Raises InvalidUnitCode, DuplicateUnitCodes, UnitNotFound (a code we do not know),
    WrongHolder (the giver does not hold it) and IllegalHandover (out of order).
    Every unit is checked before anything is written, so a bad code changes nothing.
    """
    codes = [parse_unit_code(c) for c in unit_codes]
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise DuplicateUnitCodes(unit_code=code)
        seen.add(code)
    repo = CustodyRepository(session)
    # The chain lock first, then the units: every writer of custody events takes them in
    # this order, so two handovers never wait for each other crosswise.
    repo.lock_chain()
    units = repo.units_by_codes_for_update(codes)
    found = {u.code for u in units}
    for code in codes:
        if code not in found:
            raise UnitNotFound(unit_code=code)
    for unit in units:
        if unit.holder_id != handover.from_id:
            raise WrongHolder(unit_code=unit.code)
        next_unit_status(UnitStatus(unit.status), handover.kind)
    last_seqs = repo.last_seqs([unit.id for unit in units])
    events = []
    for unit in units:
        grams = (grams_by_code or {}).get(unit.code, 0)
        events.append(
            CustodyEvent(
                unit_id=unit.id,
                seq=last_seqs.get(unit.id, 0) + 1,
                kind=handover.kind.value,
                from_id=handover.from_id,
                to_id=handover.to_id,
                occurred_at=handover.at,
                lat=handover.place.lat if handover.place else None,
                lon=handover.place.lon if handover.place else None,
                grams=grams,
                evidence=handover.evidence,
                ref=handover.ref,
                recorded_by=actor.user_id,
            )
        )
        unit.apply(handover.kind, from_id=handover.from_id, to_id=handover.to_id)
    repo.append_events(events)
    return units


CORRECTION_REASON_MAX = 200
"""Characters of a correction's reason (the `custody_event.reason` column)."""


def correct_event(
    session: Session,
    *,
    actor: Actor,
    event_id: int,
    reason: str,
    mass: Mass | None = None,
    place: GeoPoint | None = None,
    evidence: str | None = None,
    ref: str | None = None,
) -> CustodyEvent:
    """Append a correction of event `event_id`: a new event that points at it and says why.

    The correction repeats the original's kind, parties and time and carries the
    corrected mass, place, evidence or reference (the rest copied) and the `reason`
    (1 to 200 characters, covered by the chain hash). The original is never touched.
    Who may: custody.access_event_correction (the organisations that gave or received
    it, or an operator); anyone else gets EventNotFound, as for a missing id. Raises
    InvalidInput for a negative mass, a missing or too long reason, or a correction
    that changes nothing. Runs inside the caller's transaction.
    """
    repo = CustodyRepository(session)
    repo.lock_chain()
    original = access_event_correction(session, actor=actor, event_id=event_id)
    reason = reason.strip()
    if not 1 <= len(reason) <= CORRECTION_REASON_MAX:
        raise InvalidInput(
            f"Say why in 1 to {CORRECTION_REASON_MAX} characters.", reason_length=len(reason)
        )
    if mass is not None and mass.grams < 0:
        raise InvalidInput("A mass cannot be negative.", grams=mass.grams)
    if len(evidence or "") > 200 or len(ref or "") > 60:
        raise InvalidInput("Evidence is at most 200 characters and a ref at most 60.")
    if mass is None and place is None and evidence is None and ref is None:
        raise InvalidInput("A correction changes the mass, the place, the evidence or the ref.")
    correction = CustodyEvent(
        unit_id=original.unit_id,
        seq=repo.last_seq(original.unit_id) + 1,
        kind=original.kind,
        from_id=original.from_id,
        to_id=original.to_id,
        occurred_at=original.occurred_at,
        lat=place.lat if place else original.lat,
        lon=place.lon if place else original.lon,
        grams=mass.grams if mass is not None else original.grams,
        evidence=original.evidence if evidence is None else evidence,
        ref=original.ref if ref is None else ref,
        recorded_by=actor.user_id,
        corrects_id=original.id,
        reason=reason,
    )
    repo.append_event(correction)
    return correction


def trace_unit(session: Session, *, actor: Actor, unit_code: str, locale: str = "en") -> UnitTrace:
    """The chain of a unit the actor may see, its parties named in `locale`; UnitNotFound
    otherwise (no probing of codes)."""
    unit = access_unit_trace(session, actor=actor, unit_code=unit_code)
    return unit_trace(session, unit, locale=locale)
