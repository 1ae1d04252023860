"""Pickups: book, list, read, cancel, assign (operator) and collect at the door (collector)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ewaste import dispatch, orders
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass
from ewaste.web.api.schemas import BodyId, MoneyOut, PathId, PointIn, PointOut
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["pickups"])


class PickupIn(BaseModel):
    """A booking: which quote, where, when, and whom to call."""

    model_config = ConfigDict(extra="forbid")

    quote_id: BodyId
    address: str = Field(min_length=1, max_length=300)
    location: PointIn
    window_start: datetime
    window_end: datetime
    contact_name: str = Field(min_length=1, max_length=60)
    contact_phone: str = Field(min_length=5, max_length=20)


class PickupOut(BaseModel):
    """A pickup as its household, its collector and staff see it."""

    id: int
    quote_id: int
    status: str
    address: str
    location: PointOut
    window_start: datetime
    window_end: datetime
    contact_name: str
    contact_phone: str
    estimated_grams: int
    quoted: MoneyOut
    deductions: MoneyOut
    paid: MoneyOut | None
    collector_id: int | None
    collected_at: datetime | None

    @classmethod
    def of(cls, p: orders.PickupView) -> PickupOut:
        """Render a pickup."""
        return cls(
            id=p.id,
            quote_id=p.quote_id,
            status=p.status,
            address=p.address,
            location=PointOut(lat=p.location.lat, lon=p.location.lon),
            window_start=p.window_start,
            window_end=p.window_end,
            contact_name=p.contact_name,
            contact_phone=p.contact_phone,
            estimated_grams=p.estimated_grams,
            quoted=MoneyOut.of(p.quoted),
            deductions=MoneyOut.of(p.deductions),
            paid=MoneyOut.of(p.paid) if p.paid is not None else None,
            collector_id=p.collector_id,
            collected_at=p.collected_at,
        )


class CancelIn(BaseModel):
    """Why the pickup is cancelled (optional)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=200)


class DoorUnitIn(BaseModel):
    """One unit on the collector's scale, optionally with the reserved code stuck on it."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=40)
    grams: Annotated[StrictInt, Field(gt=0, le=2_000_000)]
    code: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="A unit code reserved by the collector's organisation (a printed label "
        "from a code block, ADR 0016); omitted: the platform issues a new code. Refused "
        "when not reserved by this organisation (422 custody.code_not_reserved), already "
        "used (409 custody.unit_code_used) or outside its block's validity (409 "
        "custody.code_reservation_expired).",
        examples=["EWE5FJRE1D0S06"],
    )


class CollectIn(BaseModel):
    """What the collector weighed at the door."""

    model_config = ConfigDict(extra="forbid")

    units: list[DoorUnitIn] = Field(min_length=1, max_length=1000)
    evidence: str = Field(default="", max_length=200)


class CollectOut(BaseModel):
    """The collected pickup and the codes tagged on its units."""

    pickup: PickupOut
    unit_codes: list[str]


@router.post("/pickups", response_model=PickupOut, status_code=201)
def book_pickup(
    body: PickupIn, ctx: RequestContext = Depends(api_context, scope="function")
) -> PickupOut:
    """Book a door pickup for the items of an open quote."""
    pickup = orders.book_pickup(
        ctx.session,
        actor=ctx.actor,
        quote_id=body.quote_id,
        address=body.address,
        location=GeoPoint(body.location.lat, body.location.lon),
        window=orders.TimeWindow(body.window_start, body.window_end),
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        now=ctx.now,
    )
    return PickupOut.of(pickup)


@router.get("/pickups", response_model=list[PickupOut])
def list_pickups(
    status: orders.PickupStatus | None = Query(default=None),
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[PickupOut]:
    """The pickups the caller may see (own, assigned, or all for staff)."""
    views = orders.pickups_for(
        ctx.session, actor=ctx.actor, status=status.value if status else None
    )
    return [PickupOut.of(p) for p in views]


@router.get("/pickups/{pickup_id}", response_model=PickupOut)
def get_pickup(
    pickup_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> PickupOut:
    """One pickup the caller may see."""
    return PickupOut.of(orders.get_pickup(ctx.session, actor=ctx.actor, pickup_id=pickup_id))


@router.post("/pickups/{pickup_id}/cancel", response_model=PickupOut)
def cancel_pickup(
    pickup_id: PathId, body: CancelIn, ctx: RequestContext = Depends(api_context, scope="function")
) -> PickupOut:
    """Cancel a pickup not yet collected, free of charge."""
    pickup = orders.cancel_pickup(
        ctx.session, actor=ctx.actor, pickup_id=pickup_id, now=ctx.now, reason=body.reason
    )
    return PickupOut.of(pickup)


@router.post("/pickups/{pickup_id}/assign", response_model=PickupOut)
def assign_pickup(
    pickup_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> PickupOut:
    """Assign the pickup to the nearest eligible collector with spare capacity (operator)."""
    pickup = dispatch.assign_pickup(ctx.session, actor=ctx.actor, pickup_id=pickup_id, now=ctx.now)
    return PickupOut.of(pickup)


@router.post("/pickups/{pickup_id}/collect", response_model=CollectOut)
def collect_pickup(
    pickup_id: PathId, body: CollectIn, ctx: RequestContext = Depends(api_context, scope="function")
) -> CollectOut:
    """Weigh and tag each unit at the door; the household is paid at once (collector).

    A unit may carry a code the collector's organisation reserved (a label stuck on
    before the pickup); the others get new codes. A refused code changes nothing.
    """
    result = orders.collect_pickup(
        ctx.session,
        actor=ctx.actor,
        pickup_id=pickup_id,
        units=[orders.DoorUnit(u.category, Mass(u.grams), code=u.code) for u in body.units],
        now=ctx.now,
        evidence=body.evidence,
    )
    return CollectOut(pickup=PickupOut.of(result.pickup), unit_codes=list(result.unit_codes))
