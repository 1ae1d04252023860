"""Credit scores: a collector or station reads its own score, each factor's contribution
and the settlement terms it earns, and its history; operators read every party's."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ewaste import credit
from ewaste.web.api.schemas import MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["credit"])
Ctx = Depends(api_context, scope="function")


class ContributionOut(BaseModel):
    """One factor of the score: its points, the most it can add (or, for a penalty, take),
    and the good and bad counts it read."""

    factor: str
    points: int
    weight: int
    good: int
    bad: int


class TermsOut(BaseModel):
    """When the party's sale proceeds are released under its tier."""

    tier: str
    release: str
    advance_limit: MoneyOut
    holding_days: int


class ScoreOut(BaseModel):
    """A weekly score explained: the contributions add up to `score`."""

    organisation_id: int
    role: str
    period: str
    computed_at: datetime
    formula_version: str
    score: int
    tier: str
    contributions: list[ContributionOut]
    terms: TermsOut
    scored_on: date | None

    @classmethod
    def of(cls, v: credit.ScoreView) -> ScoreOut:
        """Render a score."""
        return cls(
            organisation_id=v.organisation_id,
            role=v.role,
            period=v.period,
            computed_at=v.computed_at,
            formula_version=v.formula_version,
            score=v.score,
            tier=v.tier.value,
            contributions=[
                ContributionOut(
                    factor=c.factor.value, points=c.points, weight=c.weight, good=c.good, bad=c.bad
                )
                for c in v.contributions
            ],
            terms=TermsOut(
                tier=v.terms.tier.value,
                release=v.terms.release.value,
                advance_limit=MoneyOut.of(v.terms.advance_limit),
                holding_days=v.terms.holding.days,
            ),
            scored_on=v.terms.scored_on,
        )


@router.get("/credit/scores", response_model=list[ScoreOut])
def list_scores(ctx: RequestContext = Ctx) -> list[ScoreOut]:
    """Every scored party's latest score (operators)."""
    return [ScoreOut.of(v) for v in credit.credit_scores(ctx.session, actor=ctx.actor)]


@router.get("/credit/scores/{organisation_id}", response_model=ScoreOut)
def get_score(organisation_id: PathId, ctx: RequestContext = Ctx) -> ScoreOut:
    """The party's latest score with each factor's contribution and its settlement terms."""
    return ScoreOut.of(
        credit.credit_score(ctx.session, actor=ctx.actor, organisation_id=organisation_id)
    )


@router.get("/credit/scores/{organisation_id}/history", response_model=list[ScoreOut])
def score_history(organisation_id: PathId, ctx: RequestContext = Ctx) -> list[ScoreOut]:
    """The party's weekly scores, newest first (two years at most)."""
    return [
        ScoreOut.of(v)
        for v in credit.credit_history(
            ctx.session, actor=ctx.actor, organisation_id=organisation_id
        )
    ]
