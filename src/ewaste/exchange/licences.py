"""Who may buy: plant licences, conformity assessments, eligibility and capacity."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ewaste import catalog, identity
from ewaste.exchange import rules
from ewaste.exchange.access import access_plant
from ewaste.exchange.models import PlantAssessment, PlantLicence, PlantLicenceCategory
from ewaste.exchange.repository import ExchangeRepository, MarketRepository
from ewaste.exchange.rules import (
    AssessmentEvent,
    AssessmentStatus,
    EligibilityFacts,
    LicenceNumberTaken,
    NotAPlant,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.errors import NotFound

CHINA = ZoneInfo("Asia/Shanghai")


class AssessmentNotFound(NotFound):
    """No assessment with this id."""

    code = "exchange.assessment_not_found"
    message = "Assessment {assessment_id} not found."


@dataclass(frozen=True, slots=True)
class LicenceView:
    """A plant licence with its categories."""

    id: int
    plant_id: int
    number: str
    province: str
    valid_from: date
    valid_to: date
    annual_units: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """A conformity assessment with its scores and review."""

    id: int
    plant_id: int
    answers: Mapping[str, bool]
    sections: Mapping[str, int]
    total: int
    status: str
    recorded_at: datetime
    reviewed_at: datetime | None
    note: str


@dataclass(frozen=True, slots=True)
class CapacityLine:
    """One licensed category of a plant this year: licensed, contracted, idle units."""

    category_code: str
    licensed_units: int
    used_units: int

    @property
    def idle_units(self) -> int:
        """Licensed units not yet contracted this year."""
        return max(self.licensed_units - self.used_units, 0)


@dataclass(frozen=True, slots=True)
class PlantCapacity:
    """A plant's eligibility summary and capacity used and idle this year."""

    plant_id: int
    year: int
    assessment_passed: bool
    lines: tuple[CapacityLine, ...]


def local_date(now: datetime) -> date:
    """The calendar date in China at `now` (licences and capacity years are Chinese dates)."""
    return now.astimezone(CHINA).date()


def year_bounds(on: date) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) of `on`'s year, China time."""
    start = datetime(on.year, 1, 1, tzinfo=CHINA)
    return start, datetime(on.year + 1, 1, 1, tzinfo=CHINA)


def _licence_view(licence: PlantLicence, units: Mapping[str, int]) -> LicenceView:
    return LicenceView(
        licence.id,
        licence.plant_id,
        licence.number,
        licence.province,
        licence.valid_from,
        licence.valid_to,
        dict(units),
    )


def _require_plant(session: Session, organisation_id: int) -> None:
    org = identity.organisation_row(session, organisation_id)
    if org is None or org.role != identity.Role.PLANT.value:
        raise NotAPlant(organisation_id=organisation_id)


def record_licence(
    session: Session,
    *,
    actor: Actor,
    plant_id: int,
    number: str,
    province: str,
    annual_units: Mapping[str, int],
    valid_from: date,
    valid_to: date,
    now: datetime,
) -> LicenceView:
    """Record a plant's dismantling licence (operator). Raises MissingPermission, NotAPlant,
    InvalidLicence, CategoryNotFound, LicenceNumberTaken."""
    actor.require(Permission.STAFF_PLANT_LICENCE_WRITE)
    _require_plant(session, plant_id)
    number = number.strip()
    rules.check_licence(number, province, annual_units, valid_from, valid_to)
    for code in annual_units:
        catalog.category(session, code)
    market = MarketRepository(session)
    if market.licence_number_taken(number):
        raise LicenceNumberTaken(number=number)
    licence = PlantLicence(
        plant_id=plant_id,
        number=number,
        province=province.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        recorded_by=actor.user_id,
        recorded_at=now,
    )
    ExchangeRepository(session).add(licence)
    market.add_licence_categories(
        [
            PlantLicenceCategory(licence_id=licence.id, category_code=c, annual_units=n)
            for c, n in sorted(annual_units.items())
        ]
    )
    return _licence_view(licence, annual_units)


def licences_of(session: Session, *, actor: Actor, plant_id: int) -> Sequence[LicenceView]:
    """The plant's licences (the plant itself or staff); PlantNotFound otherwise."""
    access_plant(session, actor, plant_id)
    market = MarketRepository(session)
    licences = market.licences(plant_id)
    units = market.licence_categories([lic.id for lic in licences])
    return [_licence_view(lic, units[lic.id]) for lic in licences]


def _assessment_view(row: PlantAssessment) -> AssessmentView:
    return AssessmentView(
        row.id,
        row.plant_id,
        json.loads(row.answers),
        {"environment": row.environment_score, "ohs": row.ohs_score, "social": row.social_score},
        row.total_score,
        row.status,
        row.recorded_at,
        row.reviewed_at,
        row.note,
    )


def record_assessment(
    session: Session, *, actor: Actor, plant_id: int, answers: Mapping[str, bool], now: datetime
) -> AssessmentView:
    """Record a plant's conformity checklist, scored, awaiting review (operator).

    Raises MissingPermission, NotAPlant, InvalidChecklist."""
    actor.require(Permission.STAFF_PLANT_LICENCE_WRITE)
    _require_plant(session, plant_id)
    score = rules.score_checklist(answers)
    row = PlantAssessment(
        plant_id=plant_id,
        answers=json.dumps(dict(sorted(answers.items()))),
        environment_score=score.sections["environment"],
        ohs_score=score.sections["ohs"],
        social_score=score.sections["social"],
        total_score=score.total,
        status=AssessmentStatus.SUBMITTED.value,
        recorded_by=actor.user_id,
        recorded_at=now,
    )
    ExchangeRepository(session).add(row)
    return _assessment_view(row)


def review_assessment(
    session: Session,
    *,
    actor: Actor,
    assessment_id: int,
    passed: bool,
    note: str,
    now: datetime,
) -> AssessmentView:
    """An operator passes or fails a submitted assessment. Passing needs a passing score.

    Raises MissingPermission, AssessmentNotFound, IllegalAssessmentTransition, ScoreTooLow."""
    actor.require(Permission.STAFF_PLANT_LICENCE_WRITE)
    row = MarketRepository(session).assessment(assessment_id, for_update=True)
    if row is None:
        raise AssessmentNotFound(assessment_id=assessment_id)
    row.apply(AssessmentEvent.PASS if passed else AssessmentEvent.FAIL)
    row.reviewed_by = actor.user_id
    row.reviewed_at = now
    row.note = note[:300]
    session.flush()
    return _assessment_view(row)


def assessments_of(session: Session, *, actor: Actor, plant_id: int) -> Sequence[AssessmentView]:
    """The plant's assessments, newest first (the plant itself or staff)."""
    access_plant(session, actor, plant_id)
    return [_assessment_view(a) for a in MarketRepository(session).assessments(plant_id)]


def eligibility_facts(
    session: Session, *, plant_id: int, category: str, now: datetime
) -> EligibilityFacts:
    """What the eligibility rule needs about `plant_id` for `category` at `now`."""
    start, end = year_bounds(local_date(now))
    licences, passed, contracted = MarketRepository(session).eligibility(
        plant_id, category, start=start, end=end
    )
    return EligibilityFacts(plant_id, licences, passed, contracted)


def check_plant_eligible(
    session: Session, *, plant_id: int, category: str, units: int, now: datetime
) -> None:
    """Raise the NotEligible reason why the plant may not take this many units now."""
    facts = eligibility_facts(session, plant_id=plant_id, category=category, now=now)
    rules.check_eligible(facts, category=category, units=units, on=local_date(now))


def plant_capacity(
    session: Session, *, actor: Actor, plant_id: int, now: datetime
) -> PlantCapacity:
    """Capacity licensed, contracted and idle this year per category (plant itself or staff)."""
    access_plant(session, actor, plant_id)
    market = MarketRepository(session)
    on = local_date(now)
    start, end = year_bounds(on)
    facts = EligibilityFacts(plant_id, market.licence_terms(plant_id), False, 0)
    categories = sorted({c for t in facts.licences for c in t.annual_units})
    used = market.contracted_units(plant_id, start=start, end=end)
    lines = tuple(
        CapacityLine(c, rules.licensed_units(facts, category=c, on=on), used.get(c, 0))
        for c in categories
    )
    return PlantCapacity(plant_id, on.year, market.assessment_passed(plant_id), lines)
