"""The credit score: a documented, explainable formula over a party's history, and the
settlement tier a score earns. Pure: no clock, no database.

The score is an integer from 0 to 1000. Five factors earn points, two deduct a share
of what was earned; each is shown to the party with its points (docs/adr/0018):

    earned = 200 (base)
           + volume         0 … 150   grams taken into custody, full marks at a role's FULL_VOLUME
           + months active  0 … 100   whole months since the first unit, full marks at 12
           + on time        0 … 300   300 × on_time / (on_time + late + 4)
           + weight         0 … 250   250 × accurate / (accurate + inaccurate + 4)
    disputes      = − earned × ½ × min(1, 5 × lost / (lost + clean + 4))
    cancellations = − (earned − disputes) × ¼ × min(1, 5 × cancelled / (cancelled + completed + 4))
    score = earned − disputes − cancellations

So disputes lost can take up to half of the points earned (all of that half once a
fifth of the receptions are disputes lost) and cancellations up to a quarter of the
rest: a party with a long record and many disputes does not stay in the top tier.
The "+ 4" is a prior of four neutral events: one good pickup is not a perfect record.
Every term floors once, in integers. The score can never leave [0, 1000] (it is
bounded by construction, never clamped), so the contributions always add up to the
score shown. Each term is non-decreasing in the good counts and non-increasing in the
bad ones, so the score is too (tests/unit/test_credit_rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.errors import InvalidInput, NotFound
from ewaste.kernel.money import Money

FORMULA_VERSION: Final = "v1"
BASE: Final = 200
MAX_SCORE: Final = 1000
PRIOR: Final = 4
"""Neutral events added to every rate's denominator."""
PENALTY_SLOPE: Final = 5
"""A penalty's share grows 5 % for each 1 % of bad events, and is whole at 20 %."""
DISPUTE_SHARE: Final = (1, 2)
"""Disputes lost take up to half of the points earned."""
CANCELLATION_SHARE: Final = (1, 4)
"""Cancellations take up to a quarter of what is left."""
FULL_MONTHS: Final = 12
FULL_VOLUME_GRAMS: Final = {"collector": 20_000_000, "station": 200_000_000}
"""Grams taken into custody that earn the whole volume weight: 20 t for a collector
(about a year of a busy tricycle), 200 t for a station."""
ON_TIME_SHIPMENT: Final = timedelta(hours=48)
"""A station ships a sold lot on time when it leaves within 48 hours of the award."""
WEIGHT_TOLERANCE_BASIS_POINTS: Final = 300
"""A weighing is accurate when the plant's weighbridge is within 3 % of the declared
door mass (the reception's own tolerance)."""

WEIGHTS: Final = {
    "volume": 150,
    "months_active": 100,
    "on_time": 300,
    "weight_accuracy": 250,
    "disputes": -500,
    "cancellations": -250,
}
"""The most each factor adds; for the two penalties, the most they could ever deduct."""
SCORED_ROLES: Final = ("collector", "station")


class Factor(StrEnum):
    """The parts of the score, in the order they are shown."""

    BASE = "base"
    VOLUME = "volume"
    MONTHS_ACTIVE = "months_active"
    ON_TIME = "on_time"
    WEIGHT_ACCURACY = "weight_accuracy"
    DISPUTES = "disputes"
    CANCELLATIONS = "cancellations"


class ScoreNotFound(NotFound):
    """The party has no credit score, or the actor may not see it."""

    code = "credit.score_not_found"
    message = "No credit score for organisation {organisation_id}."


@dataclass(frozen=True, slots=True)
class History:
    """What the formula reads about one party: counts and grams, never money.

    Good counts: volume_grams, months_active, on_time, accurate, clean, completed.
    Bad counts: late, inaccurate, disputes_lost, cancelled.
    """

    role: str
    volume_grams: int = 0
    months_active: int = 0
    on_time: int = 0
    late: int = 0
    accurate: int = 0
    inaccurate: int = 0
    clean: int = 0
    disputes_lost: int = 0
    completed: int = 0
    cancelled: int = 0

    def __post_init__(self) -> None:
        if self.role not in SCORED_ROLES:
            raise InvalidInput("Only collectors and stations are scored.", role=self.role)
        counts = (
            self.volume_grams,
            self.months_active,
            self.on_time,
            self.late,
            self.accurate,
            self.inaccurate,
            self.clean,
            self.disputes_lost,
            self.completed,
            self.cancelled,
        )
        if any(c < 0 for c in counts):
            raise InvalidInput("History counts cannot be negative.", role=self.role)


@dataclass(frozen=True, slots=True)
class Contribution:
    """One factor's points, its weight (the most it can add or take), and what it read."""

    factor: Factor
    points: int
    weight: int
    good: int
    bad: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The score and every contribution to it; `score == sum(points)` always."""

    score: int
    contributions: tuple[Contribution, ...]


def _rate_points(weight: int, good: int, bad: int) -> int:
    """`weight` × good / (good + bad + PRIOR), floored."""
    return weight * good // (good + bad + PRIOR)


def _deduction(points: int, share: tuple[int, int], bad: int, good: int) -> int:
    """The part of `points` a penalty takes: points × share × min(1, SLOPE × bad / (bad +
    good + PRIOR)), floored (so never more than points × share)."""
    events = bad + good + PRIOR
    rate_num = min(PENALTY_SLOPE * bad, events)
    return points * share[0] * rate_num // (share[1] * events)


def score_breakdown(history: History) -> Breakdown:
    """Apply the formula (module docstring) to a history; bounded in [0, 1000]."""
    full = FULL_VOLUME_GRAMS[history.role]
    earned_parts = (
        Contribution(Factor.BASE, BASE, BASE, 0, 0),
        Contribution(
            Factor.VOLUME,
            WEIGHTS["volume"] * min(history.volume_grams, full) // full,
            WEIGHTS["volume"],
            history.volume_grams,
            0,
        ),
        Contribution(
            Factor.MONTHS_ACTIVE,
            WEIGHTS["months_active"] * min(history.months_active, FULL_MONTHS) // FULL_MONTHS,
            WEIGHTS["months_active"],
            history.months_active,
            0,
        ),
        Contribution(
            Factor.ON_TIME,
            _rate_points(WEIGHTS["on_time"], history.on_time, history.late),
            WEIGHTS["on_time"],
            history.on_time,
            history.late,
        ),
        Contribution(
            Factor.WEIGHT_ACCURACY,
            _rate_points(WEIGHTS["weight_accuracy"], history.accurate, history.inaccurate),
            WEIGHTS["weight_accuracy"],
            history.accurate,
            history.inaccurate,
        ),
    )
    earned = sum(p.points for p in earned_parts)
    disputes = _deduction(earned, DISPUTE_SHARE, history.disputes_lost, history.clean)
    cancellations = _deduction(
        earned - disputes, CANCELLATION_SHARE, history.cancelled, history.completed
    )
    parts = (
        *earned_parts,
        Contribution(
            Factor.DISPUTES, -disputes, WEIGHTS["disputes"], history.clean, history.disputes_lost
        ),
        Contribution(
            Factor.CANCELLATIONS,
            -cancellations,
            WEIGHTS["cancellations"],
            history.completed,
            history.cancelled,
        ),
    )
    return Breakdown(earned - disputes - cancellations, parts)


def months_between(first: datetime, now: datetime) -> int:
    """Whole calendar months (China time) from `first` to `now`; 0 if `now` is not later."""
    a, b = first.astimezone(CHINA_TIME), now.astimezone(CHINA_TIME)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if (b.day, b.time()) < (a.day, a.time()):
        months -= 1
    return max(months, 0)


def weighing_is_accurate(declared_grams: int, received_grams: int) -> bool:
    """True when the plant's weighbridge is within WEIGHT_TOLERANCE of the declared mass."""
    deviation = abs(received_grams - declared_grams)
    return deviation * 10_000 <= declared_grams * WEIGHT_TOLERANCE_BASIS_POINTS


def credit_period(now: datetime) -> str:
    """The week a score belongs to: ISO year and week of the China date ("2026-W48").

    The worker computes one score per party per period.
    """
    year, week, _ = now.astimezone(CHINA_TIME).date().isocalendar()
    return f"{year}-W{week:02d}"


# --- settlement tiers ------------------------------------------------------------------


class Tier(StrEnum):
    """When a party's sale proceeds are released (issue 6, point 3)."""

    TOP = "top"
    """Paid at award; the platform guarantees the advance up to a limit."""
    MIDDLE = "middle"
    """Paid at reception."""
    NEW = "new"
    """New or low score: paid a holding period after reception."""


class Release(StrEnum):
    """The moment money is released to the seller."""

    AT_AWARD = "at_award"
    AT_RECEPTION = "at_reception"
    AFTER_HOLDING = "after_holding"


TOP_FROM: Final = 750
ADVANCE_LIMIT: Final = Money(20_000_00)
HOLDING: Final = timedelta(days=7)
MIDDLE_FROM: Final = 550


@dataclass(frozen=True, slots=True)
class SettlementPolicy:
    """The thresholds and limits of the tiers (defaults: DEFAULT_POLICY)."""

    top_from: int = TOP_FROM
    middle_from: int = MIDDLE_FROM
    advance_limit: Money = ADVANCE_LIMIT
    """The most the platform advances to a top-tier seller before reception, CNY."""
    holding: timedelta = HOLDING
    """How long a new or low-score seller waits after reception."""


DEFAULT_POLICY: Final = SettlementPolicy()


@dataclass(frozen=True, slots=True)
class SettlementTerms:
    """What a tier means for one party's money, with the score it was read from."""

    tier: Tier
    release: Release
    advance_limit: Money
    """Guaranteed advance at award (zero unless top tier)."""
    holding: timedelta
    """Wait after reception before release (zero unless new/low)."""
    score: int | None
    """The score the tier was read from (None: never scored)."""
    scored_on: date | None


def settlement_tier(score: int | None, policy: SettlementPolicy = DEFAULT_POLICY) -> Tier:
    """The tier a score earns: top from 750, middle from 550, new/low below (or unscored)."""
    if score is None or score < policy.middle_from:
        return Tier.NEW
    if score < policy.top_from:
        return Tier.MIDDLE
    return Tier.TOP


def terms_for(
    score: int | None,
    *,
    scored_on: date | None = None,
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> SettlementTerms:
    """The settlement terms of a score under `policy`."""
    tier = settlement_tier(score, policy)
    if tier is Tier.TOP:
        return SettlementTerms(
            tier, Release.AT_AWARD, policy.advance_limit, timedelta(0), score, scored_on
        )
    if tier is Tier.MIDDLE:
        return SettlementTerms(
            tier, Release.AT_RECEPTION, Money.zero(), timedelta(0), score, scored_on
        )
    return SettlementTerms(
        tier, Release.AFTER_HOLDING, Money.zero(), policy.holding, score, scored_on
    )
