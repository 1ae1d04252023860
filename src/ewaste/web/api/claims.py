"""Subsidy claims: a plant prepares its claim for a month or quarter, submits it, and
downloads it as CSV or PDF; regulators and operators read every claim and decide."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ewaste import compliance
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["claims"])
Ctx = Depends(api_context, scope="function")


class ClaimIn(BaseModel):
    """The period to claim: a month (2021-03) or a quarter (2021-Q1), China time."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(min_length=7, max_length=7)


class DecisionIn(BaseModel):
    """An auditor's decision on a submitted claim."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    note: str = Field(default="", max_length=200)


class ClaimLineOut(BaseModel):
    """One claimed unit at the rate in force on its dismantling date (fen)."""

    unit_code: str
    category: str
    dismantled_on: date
    schedule_from: date
    condition: str
    rate_fen: int
    evidence: list[str]
    source: str


class ExclusionOut(BaseModel):
    """A dismantled unit of the period that is not claimable, and why."""

    unit_code: str
    category: str
    dismantled_on: date
    reason: str
    detail: str


class ClaimSummaryOut(BaseModel):
    """A claim in a list."""

    id: int
    plant_id: int
    period: str
    status: str
    total_fen: int
    prepared_at: datetime


class ClaimOut(ClaimSummaryOut):
    """A claim with its lines, totals by category and exclusions."""

    period_start: date
    period_end: date
    by_category: dict[str, dict[str, int]]
    lines: list[ClaimLineOut]
    exclusions: list[ExclusionOut]

    @classmethod
    def of(cls, v: compliance.ClaimView) -> ClaimOut:
        """Render a claim."""
        return cls(
            id=v.id,
            plant_id=v.plant_id,
            period=v.period,
            status=v.status,
            total_fen=v.total_fen,
            prepared_at=v.prepared_at,
            period_start=v.period_start,
            period_end=v.period_end,
            by_category={k: {"units": u, "fen": f} for k, (u, f) in v.by_category().items()},
            lines=[
                ClaimLineOut(
                    unit_code=line.unit_code,
                    category=line.category,
                    dismantled_on=line.dismantled_on,
                    schedule_from=line.schedule_from,
                    condition=line.condition,
                    rate_fen=line.rate_fen,
                    evidence=list(line.evidence),
                    source=line.source,
                )
                for line in v.lines
            ],
            exclusions=[
                ExclusionOut(
                    unit_code=e.unit_code,
                    category=e.category,
                    dismantled_on=e.dismantled_on,
                    reason=e.reason,
                    detail=e.detail,
                )
                for e in v.exclusions
            ],
        )


@router.post("/claims", response_model=ClaimOut, status_code=201)
def prepare_claim(body: ClaimIn, ctx: RequestContext = Ctx) -> ClaimOut:
    """Claim every unclaimed unit the caller's plant dismantled in the period."""
    return ClaimOut.of(
        compliance.prepare_claim(ctx.session, actor=ctx.actor, period=body.period, now=ctx.now)
    )


@router.get("/claims", response_model=list[ClaimSummaryOut])
def list_claims(ctx: RequestContext = Ctx) -> list[ClaimSummaryOut]:
    """The plant's own claims; every claim for regulators and operators."""
    return [
        ClaimSummaryOut(
            id=c.id,
            plant_id=c.plant_id,
            period=c.period,
            status=c.status,
            total_fen=c.total_fen,
            prepared_at=c.prepared_at,
        )
        for c in compliance.list_claims(ctx.session, actor=ctx.actor)
    ]


@router.get("/claims/{claim_id}", response_model=ClaimOut)
def get_claim(claim_id: PathId, ctx: RequestContext = Ctx) -> ClaimOut:
    """One claim the caller may see."""
    return ClaimOut.of(compliance.get_claim(ctx.session, actor=ctx.actor, claim_id=claim_id))


@router.get("/claims/{claim_id}/csv")
def claim_csv(claim_id: PathId, ctx: RequestContext = Ctx) -> Response:
    """The claim as CSV, one line per unit with its custody chain and evidence."""
    claim = compliance.get_claim(ctx.session, actor=ctx.actor, claim_id=claim_id)
    chains = compliance.claim_chains(ctx.session, actor=ctx.actor, claim=claim)
    return Response(
        compliance.claim_csv(claim, chains),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="claim-{claim.id}.csv"'},
    )


@router.get("/claims/{claim_id}/pdf")
def claim_pdf(claim_id: PathId, ctx: RequestContext = Ctx) -> Response:
    """The claim as PDF (English and category codes; docs/adr/0014)."""
    claim = compliance.get_claim(ctx.session, actor=ctx.actor, claim_id=claim_id)
    chains = compliance.claim_chains(ctx.session, actor=ctx.actor, claim=claim)
    return Response(
        compliance.claim_pdf(claim, chains),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="claim-{claim.id}.pdf"'},
    )


@router.post("/claims/{claim_id}/submit", response_model=ClaimOut)
def submit_claim(claim_id: PathId, ctx: RequestContext = Ctx) -> ClaimOut:
    """The plant submits its draft claim."""
    return ClaimOut.of(
        compliance.submit_claim(ctx.session, actor=ctx.actor, claim_id=claim_id, now=ctx.now)
    )


@router.post("/claims/{claim_id}/decision", response_model=ClaimOut)
def decide_claim(claim_id: PathId, body: DecisionIn, ctx: RequestContext = Ctx) -> ClaimOut:
    """A regulator or operator approves or rejects a submitted claim."""
    return ClaimOut.of(
        compliance.decide_claim(
            ctx.session,
            actor=ctx.actor,
            claim_id=claim_id,
            approve=body.approve,
            note=body.note,
            now=ctx.now,
        )
    )
