"""Custody rules: unit states, handover kinds, and what makes a chain complete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from ewaste.kernel.ids import is_code_text, normalise_code, random_code


class UnitStatus(StrEnum):
    """Where a tagged unit is in the chain."""

    WITH_COLLECTOR = "with_collector"
    AT_STATION = "at_station"
    IN_TRANSIT = "in_transit"
    AT_PLANT = "at_plant"
    DISMANTLED = "dismantled"
    MISSING = "missing"
    """Shipped, but not found when the plant scanned the load (exchange reception)."""


class HandoverKind(StrEnum):
    """Kinds of custody event, as `subject:action:place`."""

    COLLECT = "unit:collect:door"
    DELIVER = "unit:deliver:station"
    SHIP = "unit:ship:dispatch"
    RECEIVE = "unit:receive:plant"
    DISMANTLE = "unit:dismantle:record"
    MISSING = "unit:missing:reception"
    """The plant reports a shipped unit missing from the load. Like a reception it repeats
    the shipment's giver and receiver; the shipping station stays the holder."""
    FIND = "unit:find:station"
    """A unit reported missing from the load turns up at the station that shipped it (it
    never left): the station, its holder all along, is giver and receiver."""


UNIT_TRANSITIONS: Final[Mapping[tuple[UnitStatus | None, HandoverKind], UnitStatus]] = {
    (None, HandoverKind.COLLECT): UnitStatus.WITH_COLLECTOR,
    (UnitStatus.WITH_COLLECTOR, HandoverKind.DELIVER): UnitStatus.AT_STATION,
    (UnitStatus.AT_STATION, HandoverKind.SHIP): UnitStatus.IN_TRANSIT,
    (UnitStatus.IN_TRANSIT, HandoverKind.RECEIVE): UnitStatus.AT_PLANT,
    (UnitStatus.AT_PLANT, HandoverKind.DISMANTLE): UnitStatus.DISMANTLED,
    (UnitStatus.IN_TRANSIT, HandoverKind.MISSING): UnitStatus.MISSING,
    # Reported missing from the load, then found at the plant after all (exchange).
    (UnitStatus.MISSING, HandoverKind.RECEIVE): UnitStatus.AT_PLANT,
    # ... or found at the station that shipped it: back in its stock, to be sold again.
    (UnitStatus.MISSING, HandoverKind.FIND): UnitStatus.AT_STATION,
}


class IllegalHandover(IllegalTransition):
    """A handover that does not follow from the unit's current status."""

    code = "custody.illegal_handover"
    message = "Cannot record {event} for a unit that is {current}."


class UnitNotFound(NotFound):
    """No unit with this code (or not visible to the actor)."""

    code = "custody.unit_not_found"
    message = "Unit {unit_code!r} not found."


class WrongHolder(Conflict):
    """The handover names a giver who does not hold the unit."""

    code = "custody.wrong_holder"
    message = "Unit {unit_code} is held by another party, not by the one handing it over."


class InvalidUnitCode(InvalidInput):
    """A unit code that cannot be one of ours."""

    code = "custody.invalid_unit_code"
    message = "{unit_code!r} is not a valid unit code."


UNIT_CODE_PREFIX: Final = "EW"
UNIT_CODE_RANDOM_LENGTH: Final = 12  # 60 random bits: unguessable, short enough to type


def next_unit_status(current: UnitStatus | None, kind: HandoverKind) -> UnitStatus:
    """The unit status after a handover of `kind`, or raise IllegalHandover."""
    try:
        return UNIT_TRANSITIONS[(current, kind)]
    except KeyError:
        raise IllegalHandover(
            event=kind.value, current=current.value if current else "untagged"
        ) from None


def holder_after(kind: HandoverKind, *, from_id: int, to_id: int) -> int:
    """Who holds the unit after a handover: the giver keeps it while it is in transit, and
    when the plant reports it missing from the load."""
    return from_id if kind in (HandoverKind.SHIP, HandoverKind.MISSING) else to_id


def new_unit_code() -> str:
    """A fresh unguessable unit code such as EW7K3M9Q2X4P1A."""
    return UNIT_CODE_PREFIX + random_code(UNIT_CODE_RANDOM_LENGTH)


def parse_unit_code(text: str) -> str:
    """Normalise a typed or scanned unit code; raise InvalidUnitCode if it cannot be ours."""
    code = normalise_code(text)
    body = code[len(UNIT_CODE_PREFIX) :]
    if (
        not code.startswith(UNIT_CODE_PREFIX)
        or len(body) != UNIT_CODE_RANDOM_LENGTH
        or not is_code_text(body)
    ):
        raise InvalidUnitCode(unit_code=text)
    return code


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One custody event reduced to what chain checking needs."""

    kind: HandoverKind
    from_id: int
    to_id: int
    grams: int


def chain_problems(links: Sequence[ChainLink]) -> list[str]:
    """Every way a unit's chain breaks the rules; empty when the chain is consistent.

    A consistent chain follows the status table from the first event, and each
    handover starts with whoever held the unit after the previous one (a reception
    confirms the same giver and receiver as the shipment it closes; a unit found at the
    station after a missing report is given and received by that station).
    """
    problems: list[str] = []
    status: UnitStatus | None = None
    previous: ChainLink | None = None
    for index, link in enumerate(links):
        try:
            status = next_unit_status(status, link.kind)
        except IllegalHandover:
            problems.append(f"event {index + 1}: {link.kind.value} out of order")
            continue
        if previous is not None:
            if link.kind in (HandoverKind.RECEIVE, HandoverKind.MISSING):
                expected = (previous.from_id, previous.to_id)
                if (link.from_id, link.to_id) != expected:
                    problems.append(f"event {index + 1}: reception does not match shipment")
            elif link.from_id != holder_after(
                previous.kind, from_id=previous.from_id, to_id=previous.to_id
            ) or (link.kind is HandoverKind.FIND and link.to_id != link.from_id):
                problems.append(f"event {index + 1}: giver is not the previous holder")
        previous = link
    return problems


def chain_is_complete(links: Sequence[ChainLink]) -> bool:
    """True when the chain is consistent and ends with a dismantling record."""
    return bool(links) and not chain_problems(links) and links[-1].kind is HandoverKind.DISMANTLE


# --- reserved unit codes (issue 7, point 1; ADR 0016) -------------------------------------

RESERVATION_DAYS: Final = 30
"""A reserved block may be used to tag units for this long after it was reserved."""
MAX_BLOCK_SIZE: Final = 500
"""At most this many codes in one reservation (ten A4 label sheets)."""
MAX_OPEN_CODES: Final = 5_000
"""At most this many reserved, unexpired and unused codes per organisation at a time."""


class InvalidBlockSize(InvalidInput):
    """A reservation asks for fewer than one or more than MAX_BLOCK_SIZE codes."""

    code = "custody.invalid_block_size"
    message = "A reservation holds 1 to {maximum} codes, not {count}."


class TooManyOpenCodes(Conflict):
    """The organisation already holds too many reserved codes it has not used."""

    code = "custody.too_many_open_codes"
    message = (
        "Your organisation already holds {open} unused reserved codes; "
        "at most {maximum} may be open at a time."
    )


class CodeNotReserved(InvalidInput):
    """A unit code given for tagging that was not reserved by the tagging organisation."""

    code = "custody.code_not_reserved"
    message = "Unit code {unit_code} is not reserved by your organisation."


class UnitCodeUsed(Conflict):
    """A reserved code that already tags a unit."""

    code = "custody.unit_code_used"
    message = "Unit code {unit_code} already tags a unit."


class ReservationExpired(Conflict):
    """A reserved code used after its block expired (or before it was reserved)."""

    code = "custody.code_reservation_expired"
    message = "Unit code {unit_code} was not valid at {at}: its block is valid {start} to {end}."


class HandoverOutOfOrder(Conflict):
    """A handover dated before the unit's latest custody event."""

    code = "custody.handover_out_of_order"
    message = "A handover of {unit_code} at {at} is before its latest event at {latest}."


def reservation_expires_at(reserved_at: datetime) -> datetime:
    """When a block reserved at `reserved_at` stops being valid for tagging (exclusive)."""
    return reserved_at + timedelta(days=RESERVATION_DAYS)


def check_block_size(count: int, *, open_codes: int) -> None:
    """Refuse a block of `count` codes (InvalidBlockSize) or one that would leave the
    organisation with more than MAX_OPEN_CODES unused codes (TooManyOpenCodes)."""
    if not 1 <= count <= MAX_BLOCK_SIZE:
        raise InvalidBlockSize(count=count, maximum=MAX_BLOCK_SIZE)
    if open_codes + count > MAX_OPEN_CODES:
        raise TooManyOpenCodes(open=open_codes, maximum=MAX_OPEN_CODES)


def check_reserved_use(
    code: str,
    *,
    reserved_for: int | None,
    organisation_id: int,
    valid_from: datetime,
    valid_until: datetime,
    at: datetime,
    used: bool,
) -> None:
    """Whether `organisation_id` may tag a unit with reserved `code` at `at`.

    `reserved_for` is the block's organisation (None: the code was never reserved).
    Raises CodeNotReserved, UnitCodeUsed or ReservationExpired.
    """
    if reserved_for != organisation_id:
        raise CodeNotReserved(unit_code=code)
    if used:
        raise UnitCodeUsed(unit_code=code)
    if not valid_from <= at < valid_until:
        raise ReservationExpired(
            unit_code=code,
            at=at.isoformat(),
            start=valid_from.isoformat(),
            end=valid_until.isoformat(),
        )


def check_handover_time(code: str, *, at: datetime, latest: datetime) -> None:
    """Refuse (HandoverOutOfOrder) a handover dated before the unit's latest event."""
    if at < latest:
        raise HandoverOutOfOrder(unit_code=code, at=at.isoformat(), latest=latest.isoformat())


# --- receipt and certificate codes (issue 7, point 5) -------------------------------------

RECEIPT_CODE_PREFIX: Final = "RC"
"""A household's receipt code for one unit: the key of the public "where did it go" page."""
CERTIFICATE_CODE_PREFIX: Final = "CT"
CERTIFICATE_CODE_RANDOM_LENGTH: Final = 16  # 80 random bits


def new_receipt_code() -> str:
    """A fresh unguessable receipt code (60 random bits), e.g. RC7K3M9Q2X4P1A."""
    return RECEIPT_CODE_PREFIX + random_code(UNIT_CODE_RANDOM_LENGTH)


def new_certificate_code() -> str:
    """A fresh unguessable certificate id (80 random bits), e.g. CT7K3M9Q2X4P1AB2C3."""
    return CERTIFICATE_CODE_PREFIX + random_code(CERTIFICATE_CODE_RANDOM_LENGTH)


def parse_prefixed_code(text: str, *, prefix: str, length: int) -> str | None:
    """Normalise a typed or scanned code; None when it cannot be one with this prefix."""
    code = normalise_code(text)
    body = code[len(prefix) :]
    if not code.startswith(prefix) or len(body) != length or not is_code_text(body):
        return None
    return code


class EventNotFound(NotFound):
    """No custody event with this id that the actor may correct."""

    code = "custody.event_not_found"
    message = "Custody event {event_id} not found."
