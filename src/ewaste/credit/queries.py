"""Read models of credit scores: the score, its contributions and the tier it earns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ewaste.credit.models import CreditScore
from ewaste.credit.rules import (
    Contribution,
    History,
    SettlementTerms,
    Tier,
    score_breakdown,
    terms_for,
)
from ewaste.kernel.clock import CHINA_TIME


@dataclass(frozen=True, slots=True)
class ScoreView:
    """A stored score, explained: each factor's points recomputed from the stored counts
    by the formula (their sum is the stored score), and the settlement terms it earns."""

    id: int
    organisation_id: int
    role: str
    period: str
    computed_at: datetime
    formula_version: str
    score: int
    tier: Tier
    contributions: tuple[Contribution, ...]
    history: History
    terms: SettlementTerms


def history_of(row: CreditScore) -> History:
    """The counts a stored score was computed from."""
    return History(
        role=row.role,
        volume_grams=row.volume_grams,
        months_active=row.months_active,
        on_time=row.on_time,
        late=row.late,
        accurate=row.accurate,
        inaccurate=row.inaccurate,
        clean=row.clean,
        disputes_lost=row.disputes_lost,
        completed=row.completed,
        cancelled=row.cancelled,
    )


def score_view(row: CreditScore) -> ScoreView:
    """Explain a stored score."""
    history = history_of(row)
    breakdown = score_breakdown(history)
    return ScoreView(
        id=row.id,
        organisation_id=row.organisation_id,
        role=row.role,
        period=row.period,
        computed_at=row.computed_at,
        formula_version=row.formula_version,
        score=row.score,
        tier=Tier(row.tier),
        contributions=breakdown.contributions,
        history=history,
        terms=terms_for(row.score, scored_on=row.computed_at.astimezone(CHINA_TIME).date()),
    )
