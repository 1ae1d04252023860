"""Dismantling output checks (pure): a unit's recorded output fractions against what the
catalogue's material model says a unit of its category is made of.

A unit is FLAGGED, never refused, when its outputs do not fit: the record is a fact the
plant states with evidence, and a regulator decides (docs/adr/0019). The tolerances are
named constants in basis points of grams; nothing here uses floats.

What is compared:

- the **total** of the outputs against the unit's door mass (weighed at collection);
- the **door mass** against the catalogue's mass for the category and size;
- each **captured hazardous fraction** (refrigerant, oil, CRT glass, battery) and each
  **main fraction** (a quarter of the unit or more) against its expected grams, i.e. the
  catalogue share × the door mass, from below;
- **every fraction** from above: more than twice the expected grams plus a margin of the
  door mass (a fraction the unit is not known to contain counts as expected 0 g).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ewaste.compliance.rules import Fraction
from ewaste.kernel.errors import IllegalTransition, InvalidInput, NotFound

BP: Final = 10_000

TOTAL_LOW_BP: Final = 8_500
"""Outputs under 85 % of the door mass: material unaccounted for (dust and moisture
losses at a plant are a few per cent)."""
TOTAL_HIGH_BP: Final = 10_500
"""Outputs over 105 % of the door mass (scales differ by up to 3 %, ADR 0008's reception
tolerance); `rules.OVERWEIGHT_ALLOWANCE_BP` (110 %) is still refused outright."""
MASS_LOW_BP: Final = 5_000
"""A door mass under half the catalogue's mass for the category and size: a stripped
shell (a fridge without compressor, a TV without tube) or the wrong category."""
MASS_HIGH_BP: Final = 20_000
"""A door mass over twice the catalogue's mass: not one unit of this category."""
SHORT_BP: Final = 5_000
"""A checked fraction under half its expected grams is short."""
OVER_FACTOR: Final = 2
OVER_MARGIN_BP: Final = 500
"""A fraction over twice its expected grams plus 5 % of the door mass is over."""
MAIN_FRACTION_BP: Final = 2_500
"""A fraction making up a quarter of the unit or more is a main fraction."""
MIN_CHECKED_GRAMS: Final = 20
"""Expected grams under this are not checked from below (too small to weigh apart)."""

CAPTURED: Final = frozenset(
    {Fraction.REFRIGERANT, Fraction.OIL, Fraction.CRT_GLASS, Fraction.BATTERY}
)
"""Hazardous fractions a licensed plant must capture: the reason the fund pays."""

MATERIAL_FRACTIONS: Final[Mapping[str, Fraction]] = {
    "circuit_boards_medium": Fraction.CIRCUIT_BOARDS,
    "circuit_boards_high": Fraction.CIRCUIT_BOARDS,
    "li_battery": Fraction.BATTERY,
}
"""Catalogue materials whose output fraction has another name (others share theirs)."""


class CheckReason(StrEnum):
    """Why a dismantling record is flagged."""

    TOTAL_SHORT = "total_short"
    TOTAL_OVER = "total_over"
    MASS_UNLIKE_CATEGORY = "mass_unlike_category"
    NOT_CAPTURED = "not_captured"
    FRACTION_SHORT = "fraction_short"
    FRACTION_OVER = "fraction_over"


class CheckStatus(StrEnum):
    """Where a dismantling record's output check stands."""

    PASSED = "passed"
    FLAGGED = "flagged"
    CLEARED = "cleared"
    """Flagged, then reviewed and accepted: claimable."""
    UPHELD = "upheld"
    """Flagged, then reviewed and confirmed as an outlier: never claimable."""


class CheckEvent(StrEnum):
    """What a reviewer does to a flagged record."""

    CLEAR = "clear"
    UPHOLD = "uphold"


CHECK_TRANSITIONS: Final[Mapping[tuple[CheckStatus, CheckEvent], CheckStatus]] = {
    (CheckStatus.FLAGGED, CheckEvent.CLEAR): CheckStatus.CLEARED,
    (CheckStatus.FLAGGED, CheckEvent.UPHOLD): CheckStatus.UPHELD,
}

CLAIMABLE: Final = frozenset({CheckStatus.PASSED, CheckStatus.CLEARED})


class IllegalCheckTransition(IllegalTransition):
    """A review of a record that is not awaiting one."""

    code = "compliance.illegal_check_transition"
    message = "Cannot {event} a dismantling check that is {current}."


class CheckNotFound(NotFound):
    """No flagged dismantling record of this unit that the actor may see."""

    code = "compliance.check_not_found"
    message = "No dismantling check for unit {unit_code}."


class InvalidReviewNote(InvalidInput):
    """A review without the reason for it."""

    code = "compliance.invalid_review_note"
    message = "Say why (1–200 characters): the review is part of the claim's evidence."


def next_check_status(current: CheckStatus, event: CheckEvent) -> CheckStatus:
    """The check's status after `event`, or raise IllegalCheckTransition."""
    try:
        return CHECK_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalCheckTransition(event=event.value, current=current.value) from None


def check_review_note(note: str) -> str:
    """The trimmed note, or raise InvalidReviewNote."""
    note = note.strip()
    if not 1 <= len(note) <= 200:
        raise InvalidReviewNote
    return note


@dataclass(frozen=True, slots=True)
class Flag:
    """One reason a record is an outlier, with the grams it rests on."""

    reason: CheckReason
    fraction: str
    """The fraction concerned ("" for the total and the door mass)."""
    expected_grams: int
    """What the check expected (for a bound: the expected value, not the bound)."""
    actual_grams: int


def expected_shares(material_grams: Mapping[str, int]) -> dict[Fraction, int]:
    """The catalogue's materials of one unit as output fractions, in basis points of the
    unit (floored; they sum to 10,000 or a little less). Unknown materials count as other."""
    total = sum(material_grams.values())
    if total <= 0:
        return {}
    known = {f.value for f in Fraction}
    grams: dict[Fraction, int] = {}
    for material, g in material_grams.items():
        fraction = MATERIAL_FRACTIONS.get(material) or (
            Fraction(material) if material in known else Fraction.OTHER
        )
        grams[fraction] = grams.get(fraction, 0) + g
    return {f: g * BP // total for f, g in sorted(grams.items())}


def check_outputs(
    outputs: Mapping[Fraction, int],
    *,
    door_grams: int,
    shares_bp: Mapping[Fraction, int],
    catalogue_grams: int,
) -> tuple[Flag, ...]:
    """Every reason the outputs of one unit do not fit its expected composition.

    `shares_bp` is `expected_shares` of the unit's category and size (empty when the
    catalogue has no composition: only the total is checked); `catalogue_grams` is the
    catalogue's unit mass (0 when unknown: the door mass is not checked). An empty
    result means the record passed.
    """
    flags: list[Flag] = []
    total = sum(outputs.values())
    if total * BP < door_grams * TOTAL_LOW_BP:
        flags.append(Flag(CheckReason.TOTAL_SHORT, "", door_grams, total))
    elif total * BP > door_grams * TOTAL_HIGH_BP:
        flags.append(Flag(CheckReason.TOTAL_OVER, "", door_grams, total))
    if catalogue_grams > 0 and not (
        catalogue_grams * MASS_LOW_BP <= door_grams * BP <= catalogue_grams * MASS_HIGH_BP
    ):
        flags.append(Flag(CheckReason.MASS_UNLIKE_CATEGORY, "", catalogue_grams, door_grams))
    if not shares_bp:
        return tuple(flags)
    for fraction in sorted(set(shares_bp) | set(outputs)):
        share = shares_bp.get(fraction, 0)
        expected = door_grams * share // BP
        actual = outputs.get(fraction, 0)
        checked_below = fraction in CAPTURED or share >= MAIN_FRACTION_BP
        if checked_below and expected >= MIN_CHECKED_GRAMS and actual * BP < expected * SHORT_BP:
            reason = (
                CheckReason.NOT_CAPTURED
                if actual == 0 and fraction in CAPTURED
                else CheckReason.FRACTION_SHORT
            )
            flags.append(Flag(reason, fraction.value, expected, actual))
        elif actual * BP > expected * OVER_FACTOR * BP + door_grams * OVER_MARGIN_BP:
            flags.append(Flag(CheckReason.FRACTION_OVER, fraction.value, expected, actual))
    return tuple(flags)


def status_for(flags: Sequence[Flag]) -> CheckStatus:
    """A new check is flagged when it has a reason, passed otherwise."""
    return CheckStatus.FLAGGED if flags else CheckStatus.PASSED


def describe(flag: Flag) -> str:
    """A short English line for exports: "refrigerant not_captured: 0 g of ~102 g"."""
    what = flag.fraction or "unit"
    return f"{what} {flag.reason.value}: {flag.actual_grams} g of ~{flag.expected_grams} g"
