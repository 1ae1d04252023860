"""Subsidy claims: a plant prepares its claim for a month or quarter, submits it, and
downloads it as CSV or PDF; regulators and operators read every claim, regulators decide.
Dismantling output checks: flagged records listed, and reviewed by regulators."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
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
    output_check: str
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
                    output_check=line.output_check,
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
    """A regulator approves or rejects a submitted claim (`audit:claim:decide`)."""
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


class FlagOut(BaseModel):
    """One reason a dismantling record was flagged."""

    reason: str
    fraction: str
    expected_grams: int
    actual_grams: int


class CheckOut(BaseModel):
    """A dismantling record's output check (docs/adr/0019)."""

    unit_code: str
    category: str
    plant_id: int
    dismantled_at: datetime
    line: str
    evidence: str
    door_grams: int
    output_grams: int
    catalogue_grams: int
    status: str
    flags: list[FlagOut]
    note: str

    @classmethod
    def of(cls, v: compliance.CheckView) -> CheckOut:
        """Render a check."""
        return cls(
            unit_code=v.unit_code,
            category=v.category,
            plant_id=v.plant_id,
            dismantled_at=v.dismantled_at,
            line=v.line,
            evidence=v.evidence,
            door_grams=v.door_grams,
            output_grams=v.output_grams,
            catalogue_grams=v.catalogue_grams,
            status=v.status,
            flags=[
                FlagOut(
                    reason=f.reason,
                    fraction=f.fraction,
                    expected_grams=f.expected_grams,
                    actual_grams=f.actual_grams,
                )
                for f in v.flags
            ],
            note=v.note,
        )


class ReviewIn(BaseModel):
    """A regulator's review of a flagged dismantling record."""

    model_config = ConfigDict(extra="forbid")

    clear: bool = Field(description="true: the outputs are accepted and the unit claimable")
    note: str = Field(min_length=1, max_length=200)


CheckStatusQuery = Annotated[
    list[compliance.CheckStatus], Query(description="Default: flagged, cleared, upheld")
]


@router.get("/dismantling-checks", response_model=list[CheckOut])
def list_checks(status: CheckStatusQuery = [], ctx: RequestContext = Ctx) -> list[CheckOut]:  # noqa: B006 - FastAPI's idiom
    """Flagged and reviewed dismantling records: every plant's for operators and
    regulators, the plant's own for a plant."""
    return [
        CheckOut.of(v)
        for v in compliance.list_checks(ctx.session, actor=ctx.actor, statuses=status)
    ]


@router.post("/dismantling-checks/{unit_code}/review", response_model=CheckOut)
def review_check(unit_code: str, body: ReviewIn, ctx: RequestContext = Ctx) -> CheckOut:
    """A regulator clears a flagged record (the unit becomes claimable) or upholds it."""
    return CheckOut.of(
        compliance.review_check(
            ctx.session,
            actor=ctx.actor,
            unit_code=unit_code,
            clear=body.clear,
            note=body.note,
            now=ctx.now,
        )
    )
