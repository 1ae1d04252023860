"""Dismantling rules (foundation): output fractions per unit."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, InvalidInput


class Fraction(StrEnum):
    """Output fractions recorded when a unit is dismantled."""

    FERROUS = "ferrous"
    COPPER = "copper"
    ALUMINIUM = "aluminium"
    PLASTICS = "plastics"
    GLASS = "glass"
    CRT_GLASS = "crt_glass"
    CIRCUIT_BOARDS = "circuit_boards"
    COMPRESSOR = "compressor"
    REFRIGERANT = "refrigerant"
    OIL = "oil"
    FOAM = "foam"
    CABLES = "cables"
    BATTERY = "battery"
    OTHER = "other"


class InvalidFractions(InvalidInput):
    """Output fractions that are empty, negative, unknown or heavier than allowed."""

    code = "compliance.invalid_fractions"
    message = (
        "Give at least one output fraction, each a known material with 0 g or more, "
        "together no heavier than {limit} g."
    )


class AlreadyDismantled(Conflict):
    """A unit can be dismantled once."""

    code = "compliance.already_dismantled"
    message = "Unit {unit_code} already has a dismantling record."


class InvalidLine(InvalidInput):
    """A dismantling line name that is empty or too long."""

    code = "compliance.invalid_line"
    message = "Name the dismantling line (1–40 characters)."


# Output may exceed the door weight a little (scales differ), never by much.
OVERWEIGHT_ALLOWANCE_BP: Final = 1_000


def check_fractions(fractions: Mapping[str, int], *, door_grams: int) -> dict[Fraction, int]:
    """Return the fractions typed, or raise InvalidFractions."""
    limit = door_grams + door_grams * OVERWEIGHT_ALLOWANCE_BP // 10_000
    known = {f.value for f in Fraction}
    if (
        not fractions
        or any(name not in known for name in fractions)
        or any(not isinstance(g, int) or g < 0 for g in fractions.values())
        or sum(fractions.values()) <= 0
        or sum(fractions.values()) > limit
    ):
        raise InvalidFractions(limit=limit)
    return {Fraction(name): grams for name, grams in fractions.items()}


def check_line(line: str) -> str:
    """Return the trimmed line name, or raise InvalidLine."""
    line = line.strip()
    if not 1 <= len(line) <= 40:
        raise InvalidLine
    return line
