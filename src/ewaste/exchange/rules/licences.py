"""Who may buy: licences, conformity assessments and the one eligibility rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput

# --- who may buy --------------------------------------------------------------------------


class NotEligible(Conflict):
    """Base of the reasons a plant may not bid on or buy a lot."""

    code = "exchange.not_eligible"
    message = "This plant may not buy this lot."


class NoLicence(NotEligible):
    """The plant holds no licence at all."""

    code = "exchange.no_licence"
    message = "Plant {plant_id} holds no dismantling licence."


class LicenceNotValid(NotEligible):
    """The plant's licences have lapsed or are not yet in force on the date."""

    code = "exchange.licence_not_valid"
    message = "Plant {plant_id} holds no licence in force on {on}."


class CategoryNotLicensed(NotEligible):
    """The plant's licence in force does not cover the category."""

    code = "exchange.category_not_licensed"
    message = "Plant {plant_id} is not licensed to dismantle {category}."


class CapacityExhausted(NotEligible):
    """The lot would take the plant beyond its licensed annual capacity for the category."""

    code = "exchange.capacity_exhausted"
    message = "Plant {plant_id} has {left} unit(s) of {category} capacity left this year."


class AssessmentNotPassed(NotEligible):
    """The plant has not passed its conformity assessment."""

    code = "exchange.assessment_not_passed"
    message = "Plant {plant_id} has not passed its conformity assessment."


@dataclass(frozen=True, slots=True)
class LicenceTerm:
    """One licence as eligibility sees it: validity and annual units per category."""

    valid_from: date
    valid_to: date
    annual_units: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class EligibilityFacts:
    """Everything the eligibility rule needs about one plant, read in one place."""

    plant_id: int
    licences: tuple[LicenceTerm, ...]
    assessment_passed: bool
    contracted_units_this_year: int
    """Units of the category in the plant's contracts awarded this calendar year."""


def licensed_units(facts: EligibilityFacts, *, category: str, on: date) -> int:
    """Annual units of `category` licensed on `on` (the largest licence in force)."""
    in_force = [t for t in facts.licences if t.valid_from <= on <= t.valid_to]
    return max((t.annual_units.get(category, 0) for t in in_force), default=0)


def check_eligible(facts: EligibilityFacts, *, category: str, units: int, on: date) -> None:
    """Raise the first reason the plant may not take `units` of `category` on `on`.

    In order: no licence, none in force, category not covered, assessment not passed,
    capacity left this year (licensed minus contracted) below `units`.
    """
    if not facts.licences:
        raise NoLicence(plant_id=facts.plant_id)
    in_force = [t for t in facts.licences if t.valid_from <= on <= t.valid_to]
    if not in_force:
        raise LicenceNotValid(plant_id=facts.plant_id, on=on.isoformat())
    licensed = licensed_units(facts, category=category, on=on)
    if licensed <= 0:
        raise CategoryNotLicensed(plant_id=facts.plant_id, category=category)
    if not facts.assessment_passed:
        raise AssessmentNotPassed(plant_id=facts.plant_id)
    left = licensed - facts.contracted_units_this_year
    if left < units:
        raise CapacityExhausted(plant_id=facts.plant_id, category=category, left=max(left, 0))


class InvalidLicence(InvalidInput):
    """A licence with no categories, non-positive capacity or an empty validity period."""

    code = "exchange.invalid_licence"
    message = (
        "A licence needs a number, a province, categories with positive annual units, "
        "and valid_from ≤ valid_to."
    )


class LicenceNumberTaken(Conflict):
    """Licence numbers are unique."""

    code = "exchange.licence_number_taken"
    message = "Licence number {number} is already recorded."


class NotAPlant(InvalidInput):
    """Licences and assessments belong to plants."""

    code = "exchange.not_a_plant"
    message = "Organisation {organisation_id} is not a dismantling plant."


def check_licence(
    number: str, province: str, units: Mapping[str, int], start: date, end: date
) -> None:
    """Raise InvalidLicence unless the licence is complete and coherent."""
    if not number.strip() or not province.strip() or not units or start > end:
        raise InvalidLicence
    if any(n <= 0 or n > 100_000_000 for n in units.values()):
        raise InvalidLicence


# --- conformity assessment ------------------------------------------------------------------


class AssessmentStatus(StrEnum):
    """A conformity assessment is recorded, then reviewed by an operator."""

    SUBMITTED = "submitted"
    PASSED = "passed"
    FAILED = "failed"


class AssessmentEvent(StrEnum):
    """An operator's review decision."""

    PASS = "pass"  # noqa: S105 - a review decision, not a password
    FAIL = "fail"


ASSESSMENT_TRANSITIONS: Final[
    Mapping[tuple[AssessmentStatus, AssessmentEvent], AssessmentStatus]
] = {
    (AssessmentStatus.SUBMITTED, AssessmentEvent.PASS): AssessmentStatus.PASSED,
    (AssessmentStatus.SUBMITTED, AssessmentEvent.FAIL): AssessmentStatus.FAILED,
}

CHECKLIST: Final[Mapping[str, tuple[str, ...]]] = {
    "environment": (
        "env_permit",
        "refrigerant_recovery",
        "crt_glass_handling",
        "wastewater_treatment",
        "dust_and_fume_control",
        "hazardous_waste_manifests",
    ),
    "ohs": ("protective_equipment", "safety_training", "emergency_plan", "health_checks"),
    "social": ("labour_contracts", "no_child_labour", "working_hours", "community_grievances"),
}
"""The conformity checklist: section → items (environment, occupational health and safety,
social responsibility). Each item is met or not."""

PASS_SECTION_PERCENT: Final = 60
PASS_TOTAL_PERCENT: Final = 75


class InvalidChecklist(InvalidInput):
    """A checklist answer for an item the checklist does not have, or an item left out."""

    code = "exchange.invalid_checklist"
    message = "Answer every checklist item, and only those: {items}."


class IllegalAssessmentTransition(IllegalTransition):
    """An assessment was reviewed twice, or passed with too low a score."""

    code = "exchange.illegal_assessment_transition"
    message = "Cannot {event} an assessment that is {current}."


class ScoreTooLow(Conflict):
    """An operator tried to pass an assessment whose score is below the threshold."""

    code = "exchange.assessment_score_too_low"
    message = (
        "The assessment scored {total}% (sections {sections}); passing needs {needed}% "
        "and every section {section}%."
    )


@dataclass(frozen=True, slots=True)
class AssessmentScore:
    """Percent of items met per section and overall."""

    sections: Mapping[str, int]
    total: int

    @property
    def passes(self) -> bool:
        """True when every section and the total reach their thresholds."""
        return self.total >= PASS_TOTAL_PERCENT and all(
            v >= PASS_SECTION_PERCENT for v in self.sections.values()
        )


def score_checklist(answers: Mapping[str, bool]) -> AssessmentScore:
    """Score a complete checklist; raise InvalidChecklist for missing or unknown items."""
    every = [item for items in CHECKLIST.values() for item in items]
    if set(answers) != set(every):
        raise InvalidChecklist(items=", ".join(every))
    sections = {
        name: 100 * sum(1 for i in items if answers[i]) // len(items)
        for name, items in CHECKLIST.items()
    }
    total = 100 * sum(1 for i in every if answers[i]) // len(every)
    return AssessmentScore(sections, total)


def next_assessment_status(
    current: AssessmentStatus, event: AssessmentEvent, score: AssessmentScore
) -> AssessmentStatus:
    """The status after a review; passing needs a passing score."""
    try:
        after = ASSESSMENT_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalAssessmentTransition(event=event.value, current=current.value) from None
    if after is AssessmentStatus.PASSED and not score.passes:
        raise ScoreTooLow(
            total=score.total,
            sections=dict(score.sections),
            needed=PASS_TOTAL_PERCENT,
            section=PASS_SECTION_PERCENT,
        )
    return after
