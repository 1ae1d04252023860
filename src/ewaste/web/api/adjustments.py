"""Door adjustments: the collector proposes evidenced deductions, the household decides."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from ewaste import orders
from ewaste.web.api.pickups import PickupOut
from ewaste.web.api.schemas import MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["pickups"])


class AdjustmentIn(BaseModel):
    """One unit's deduction: the quoted item, a reason from the fixed list, the photo."""

    model_config = ConfigDict(extra="forbid")

    item: StrictInt = Field(ge=0, le=19, description="Index of the item in the quote")
    reason: str = Field(min_length=1, max_length=40, examples=["broken_screen"])
    photo_ref: str = Field(min_length=1, max_length=200, examples=["photo:2026/11/24/abc.jpg"])


class ProposalIn(BaseModel):
    """What the collector found at the door."""

    model_config = ConfigDict(extra="forbid")

    adjustments: list[AdjustmentIn] = Field(min_length=1, max_length=50)


class DecisionIn(BaseModel):
    """The household's answer to every proposed deduction."""

    model_config = ConfigDict(extra="forbid")

    accept: StrictBool


class AdjustmentOut(BaseModel):
    """A proposed deduction and its fate."""

    id: int
    item: int
    reason: str
    photo_ref: str
    amount: MoneyOut
    decision: str


class AdjustedPickupOut(BaseModel):
    """The pickup after the proposal or decision, and the deductions concerned."""

    pickup: PickupOut
    adjustments: list[AdjustmentOut]


class CollectorRateOut(BaseModel):
    """How often a collector changes the price at the door."""

    collector_id: int
    pickups: int
    adjusted: int
    flagged: bool


def _out(a: orders.AdjustmentView) -> AdjustmentOut:
    return AdjustmentOut(
        id=a.id,
        item=a.item,
        reason=a.reason,
        photo_ref=a.photo_ref,
        amount=MoneyOut.of(a.amount),
        decision=a.decision,
    )


@router.post("/pickups/{pickup_id}/adjustments", response_model=AdjustedPickupOut, status_code=201)
def propose(
    pickup_id: PathId,
    body: ProposalIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> AdjustedPickupOut:
    """Propose itemised, photographed deductions at the door (collector); each is priced from
    the quote's own price versions. The household must accept before collection."""
    pickup, rows = orders.propose_adjustments(
        ctx.session,
        actor=ctx.actor,
        pickup_id=pickup_id,
        now=ctx.now,
        adjustments=[
            orders.AdjustmentRequest(a.item, a.reason, a.photo_ref) for a in body.adjustments
        ],
    )
    return AdjustedPickupOut(pickup=PickupOut.of(pickup), adjustments=[_out(r) for r in rows])


@router.get("/pickups/{pickup_id}/adjustments", response_model=list[AdjustmentOut])
def list_adjustments(
    pickup_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> list[AdjustmentOut]:
    """The deductions proposed on a pickup the caller may see."""
    rows = orders.adjustments_of(ctx.session, actor=ctx.actor, pickup_id=pickup_id)
    return [_out(r) for r in rows]


@router.post("/pickups/{pickup_id}/adjustments/decision", response_model=AdjustedPickupOut)
def decide(
    pickup_id: PathId,
    body: DecisionIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> AdjustedPickupOut:
    """Accept the deductions, or decline them and cancel the pickup free (household)."""
    pickup, rows = orders.decide_adjustments(
        ctx.session, actor=ctx.actor, pickup_id=pickup_id, accept=body.accept, now=ctx.now
    )
    return AdjustedPickupOut(pickup=PickupOut.of(pickup), adjustments=[_out(r) for r in rows])


@router.get("/reports/door-adjustments", response_model=list[CollectorRateOut])
def door_adjustment_rates(
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[CollectorRateOut]:
    """Per collector: door visits, visits with deductions, and a flag for outliers (operator)."""
    return [
        CollectorRateOut(
            collector_id=r.collector_id, pickups=r.pickups, adjusted=r.adjusted, flagged=r.flagged
        )
        for r in orders.collector_adjustment_rates(ctx.session, actor=ctx.actor)
    ]
