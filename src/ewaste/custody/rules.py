"""Custody rules: unit states, handover kinds, and what makes a chain complete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


class HandoverKind(StrEnum):
    """Kinds of custody event, as `subject:action:place`."""

    COLLECT = "unit:collect:door"
    DELIVER = "unit:deliver:station"
    SHIP = "unit:ship:dispatch"
    RECEIVE = "unit:receive:plant"
    DISMANTLE = "unit:dismantle:record"


UNIT_TRANSITIONS: Final[Mapping[tuple[UnitStatus | None, HandoverKind], UnitStatus]] = {
    (None, HandoverKind.COLLECT): UnitStatus.WITH_COLLECTOR,
    (UnitStatus.WITH_COLLECTOR, HandoverKind.DELIVER): UnitStatus.AT_STATION,
    (UnitStatus.AT_STATION, HandoverKind.SHIP): UnitStatus.IN_TRANSIT,
    (UnitStatus.IN_TRANSIT, HandoverKind.RECEIVE): UnitStatus.AT_PLANT,
    (UnitStatus.AT_PLANT, HandoverKind.DISMANTLE): UnitStatus.DISMANTLED,
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
    """Who holds the unit after a handover: the giver keeps it while it is in transit."""
    return from_id if kind is HandoverKind.SHIP else to_id


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
    handover starts where the previous one ended (a reception confirms the same
    giver and receiver as the shipment it closes).
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
            if link.kind is HandoverKind.RECEIVE:
                expected = (previous.from_id, previous.to_id)
                if (link.from_id, link.to_id) != expected:
                    problems.append(f"event {index + 1}: reception does not match shipment")
            elif link.from_id != previous.to_id:
                problems.append(f"event {index + 1}: giver is not the previous receiver")
        previous = link
    return problems


def chain_is_complete(links: Sequence[ChainLink]) -> bool:
    """True when the chain is consistent and ends with a dismantling record."""
    return bool(links) and not chain_problems(links) and links[-1].kind is HandoverKind.DISMANTLE
