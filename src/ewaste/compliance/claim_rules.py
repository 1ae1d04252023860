"""Subsidy claim rules (pure): claim periods, the rate in force on a unit's dismantling
date, claim states.

The schedule itself is not repeated here: the bands are the catalogue's
`subsidy_bands.csv` (derived from the reference `subsidy_rates.csv`) and whether a band
applies is the pricing engine's `SubsidyBand.applies`, the same rule a household's quote
uses. This module only adds what a claim needs on top: the reason a unit is not
claimable, and the rate in whole fen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from ewaste.catalog.specs import AttributeValue, ItemProfile
from ewaste.compliance.output_rules import CLAIMABLE, CheckStatus
from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from ewaste.pricing.engine import SubsidyBand

CHINA: Final = ZoneInfo("Asia/Shanghai")
FEN_PER_YUAN: Final = 100


class ClaimStatus(StrEnum):
    """Where a subsidy claim stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class ClaimAction(StrEnum):
    """What can be done to a claim."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"


CLAIM_TRANSITIONS: Final[Mapping[tuple[ClaimStatus, ClaimAction], ClaimStatus]] = {
    (ClaimStatus.DRAFT, ClaimAction.SUBMIT): ClaimStatus.SUBMITTED,
    (ClaimStatus.SUBMITTED, ClaimAction.APPROVE): ClaimStatus.APPROVED,
    (ClaimStatus.SUBMITTED, ClaimAction.REJECT): ClaimStatus.REJECTED,
}


class Exclusion(StrEnum):
    """Why a dismantled unit is not claimable."""

    NO_SCHEDULE = "no_schedule"
    """No band of any schedule covers the category on that date (tablets, monitors...)."""
    ATTRIBUTES_UNKNOWN = "attributes_unknown"
    """The bands in force depend on a size or type the dismantling record does not give."""
    OUTSIDE_CONDITIONS = "outside_conditions"
    """Size or type outside every band (CRT < 14 inch, fridge < 50 L, washer <= 3 kg)."""
    OUTPUT_FLAGGED = "output_flagged"
    """The dismantling outputs do not fit the unit's composition: held until reviewed."""
    OUTPUT_UPHELD = "output_upheld"
    """A regulator confirmed the outputs as an outlier: never claimable."""


class InvalidPeriod(InvalidInput):
    """A claim period that is not a month (2021-03) or a quarter (2021-Q1)."""

    code = "compliance.invalid_period"
    message = "Give the claim period as a month (2021-03) or a quarter (2021-Q1)."


class UnitAlreadyClaimed(Conflict):
    """A unit can be claimed once, ever."""

    code = "compliance.unit_already_claimed"
    message = "A unit of this claim is already held by another subsidy claim; prepare it again."


class NothingToClaim(Conflict):
    """No unclaimed dismantled unit in the period."""

    code = "compliance.nothing_to_claim"
    message = (
        "No dismantled unit of the plant in {period} is left to claim "
        "({excluded} not claimable: size, type or attributes outside the schedule, "
        "or dismantling outputs flagged for review)."
    )


class ClaimNotFound(NotFound):
    """A claim that does not exist or that the actor may not see."""

    code = "compliance.claim_not_found"
    message = "Subsidy claim {claim_id} not found."


class IllegalClaimTransition(IllegalTransition):
    """An action the claim's state does not allow."""

    code = "compliance.illegal_claim_transition"
    message = "Cannot {action} a claim that is {current}."


@dataclass(frozen=True, slots=True)
class ClaimPeriod:
    """A month or a quarter in China time; `start` inclusive, `end` exclusive."""

    label: str
    start: date
    end: date

    def bounds_utc(self) -> tuple[datetime, datetime]:
        """The period's first and past-last instants as UTC datetimes."""
        return (
            datetime.combine(self.start, time(), CHINA).astimezone(UTC),
            datetime.combine(self.end, time(), CHINA).astimezone(UTC),
        )


_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")


def parse_period(text: str) -> ClaimPeriod:
    """A period from "2021-03" (month) or "2021-Q1" (quarter); InvalidPeriod otherwise."""
    text = text.strip().upper()
    if month := _MONTH.match(text):
        year, first, months = int(month[1]), int(month[2]), 1
    elif quarter := _QUARTER.match(text):
        year, first, months = int(quarter[1]), 3 * int(quarter[2]) - 2, 3
    else:
        raise InvalidPeriod
    if not 2000 <= year <= 2100:
        raise InvalidPeriod
    after = first + months
    end = date(year + 1, 1, 1) if after > 12 else date(year, after, 1)
    return ClaimPeriod(text, date(year, first, 1), end)


def china_date(at: datetime) -> date:
    """The calendar date in China of an instant (the schedule's dates are China dates)."""
    return at.astimezone(CHINA).date()


@dataclass(frozen=True, slots=True)
class RateDecision:
    """A unit's rate (whole fen) with the band it rests on, or why it has none."""

    rate_fen: int | None
    exclusion: Exclusion | None
    detail: str
    """The band's condition (claimable) or the missing attributes / the reason."""
    valid_from: date | None
    source: str


def condition_attributes(condition: str) -> frozenset[str]:
    """The attribute names a band's condition reads (`screen_inch>=14;type in a|b`)."""
    names: set[str] = set()
    for rule in filter(None, (r.strip() for r in condition.split(";"))):
        names.add(re.split(r" in |>=|<=|>|<|=", rule, maxsplit=1)[0].strip())
    return frozenset(names)


def rate_on(
    category: str,
    attributes: Mapping[str, AttributeValue],
    on: date,
    bands: Sequence[SubsidyBand],
) -> RateDecision:
    """The subsidy for one unit of `category` dismantled on `on` (a China date)."""
    in_force = [
        b
        for b in bands
        if b.category == category
        and b.valid_from <= on
        and (b.valid_to is None or on <= b.valid_to)
    ]
    if not in_force:
        return RateDecision(
            None, Exclusion.NO_SCHEDULE, f"no band for {category} on {on}", None, ""
        )
    profile = ItemProfile(
        category=category,
        attributes=attributes,
        mass_g=0,
        material_grams={},
        reuse_eligible=False,
        conditions=frozenset(),
        variant="",
        sources=(),
        estimate=False,
    )
    band = next((b for b in in_force if b.applies(profile, on)), None)
    if band is not None:
        fen = band.yuan_per_unit * FEN_PER_YUAN
        if fen != fen.to_integral_value():
            raise ValueError(f"subsidy band of {category} is not whole fen: {band.yuan_per_unit}")
        return RateDecision(int(fen), None, band.condition, band.valid_from, band.source)
    missing = sorted(
        set().union(*(condition_attributes(b.condition) for b in in_force)) - set(attributes)
    )
    if missing:
        return RateDecision(
            None, Exclusion.ATTRIBUTES_UNKNOWN, ", ".join(missing), in_force[0].valid_from, ""
        )
    given = ", ".join(f"{k}={v}" for k, v in sorted(attributes.items()))
    return RateDecision(
        None, Exclusion.OUTSIDE_CONDITIONS, given, in_force[0].valid_from, in_force[0].source
    )


def check_exclusion(status: str | None) -> Exclusion | None:
    """Why a record's output check keeps its unit out of a claim (None: it does not).

    Passed and cleared records are claimable; so is a record without a check (dismantled
    before checks existed). Flagged records wait for review; upheld ones never count.
    """
    if status is None or CheckStatus(status) in CLAIMABLE:
        return None
    if status == CheckStatus.UPHELD:
        return Exclusion.OUTPUT_UPHELD
    return Exclusion.OUTPUT_FLAGGED


def next_claim_status(current: ClaimStatus, action: ClaimAction) -> ClaimStatus:
    """The claim's status after `action`, or raise IllegalClaimTransition."""
    try:
        return CLAIM_TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalClaimTransition(action=action.value, current=current.value) from None


def claim_total_fen(rates: Sequence[int]) -> int:
    """A claim's total: the sum of its lines, whole fen (no rounding anywhere)."""
    return sum(rates)
