"""Units: the custody trace, and the dismantling record at the plant."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from ewaste import compliance, custody
from ewaste.web.api.schemas import Grams
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["units"])


class TraceStepOut(BaseModel):
    """One handover; households appear by role only."""

    seq: int
    kind: str
    from_role: str
    from_name: str
    to_role: str
    to_name: str
    occurred_at: datetime
    lat: float | None
    lon: float | None
    grams: int
    ref: str


class TraceOut(BaseModel):
    """A unit's custody chain, oldest first."""

    code: str
    category: str
    status: str
    door_grams: int
    complete: bool
    problems: list[str]
    steps: list[TraceStepOut]


class DismantlingIn(BaseModel):
    """What the plant recovered from one unit."""

    model_config = ConfigDict(extra="forbid")

    line: str = Field(min_length=1, max_length=40)
    fractions: dict[str, Grams] = Field(min_length=1, max_length=20)
    evidence: str = Field(default="", max_length=200)


class DismantlingOut(BaseModel):
    """A unit's dismantling record."""

    unit_code: str
    plant_id: int
    dismantled_at: datetime
    line: str
    fractions: dict[str, int]


@router.get("/units/{unit_code}/trace", response_model=TraceOut)
def trace_unit(
    unit_code: str, ctx: RequestContext = Depends(api_context, scope="function")
) -> TraceOut:
    """The ordered custody chain of a unit the caller may see."""
    trace = custody.trace_unit(ctx.session, actor=ctx.actor, unit_code=unit_code)
    return TraceOut(
        code=trace.code,
        category=trace.category_code,
        status=trace.status,
        door_grams=trace.door_grams,
        complete=trace.complete,
        problems=list(trace.problems),
        steps=[
            TraceStepOut(
                seq=s.seq,
                kind=s.kind,
                from_role=s.from_role,
                from_name=s.from_name,
                to_role=s.to_role,
                to_name=s.to_name,
                occurred_at=s.occurred_at,
                lat=s.lat,
                lon=s.lon,
                grams=s.grams,
                ref=s.ref,
            )
            for s in trace.steps
        ],
    )


@router.post("/units/{unit_code}/dismantling", response_model=DismantlingOut, status_code=201)
def record_dismantling(
    unit_code: str,
    body: DismantlingIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> DismantlingOut:
    """Record the dismantling of a unit the caller's plant holds, with output fractions."""
    record = compliance.record_dismantling(
        ctx.session,
        actor=ctx.actor,
        unit_code=unit_code,
        line=body.line,
        fractions=body.fractions,
        now=ctx.now,
        evidence=body.evidence,
    )
    return DismantlingOut(
        unit_code=record.unit_code,
        plant_id=record.plant_id,
        dismantled_at=record.dismantled_at,
        line=record.line,
        fractions=dict(record.outputs),
    )
