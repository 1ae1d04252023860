"""The partner option pool: operators set it up, grant options by hand, record a
partner's departure and read the cap table (JSON and CSV); a partner reads its own
grants. Qualification, monthly grants and vesting are the worker's (docs/adr/0018)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ewaste import partners
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["partners"])
Ctx = Depends(api_context, scope="function")


class PoolIn(BaseModel):
    """The pool's size against the equity, and its rules. The pool is at most 20 % of
    `total_shares` (partners.pool_over_cap)."""

    model_config = ConfigDict(extra="forbid")

    total_shares: StrictInt = Field(ge=1, le=10**15)
    cap_shares: StrictInt = Field(ge=0, le=10**15)
    threshold_grams: StrictInt = Field(ge=1, le=10**12)
    qualify_months: StrictInt = Field(ge=1, le=24)
    monthly_grant_shares: StrictInt = Field(ge=0, le=10**15)
    vesting_months: StrictInt = Field(ge=1, le=120)
    cliff_months: StrictInt = Field(ge=0, le=120)
    inactive_months: StrictInt = Field(ge=1, le=24)


class GrantIn(BaseModel):
    """A hand grant of options to an active partner."""

    model_config = ConfigDict(extra="forbid")

    shares: StrictInt = Field(ge=1, le=10**15)


class LeaveIn(BaseModel):
    """Why the partner leaves."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=200)


class PoolOut(BaseModel):
    """The pool: size, outstanding, available, its share of the equity and its rules."""

    total_shares: int
    cap_shares: int
    outstanding_shares: int
    available_shares: int
    cap_basis_points: int
    threshold_grams: int
    qualify_months: int
    monthly_grant_shares: int
    vesting_months: int
    cliff_months: int
    inactive_months: int
    updated_at: datetime

    @classmethod
    def of(cls, v: partners.PoolView) -> PoolOut:
        """Render the pool."""
        t = v.terms
        return cls(
            total_shares=v.total_shares,
            cap_shares=v.cap_shares,
            outstanding_shares=v.outstanding_shares,
            available_shares=v.available_shares,
            cap_basis_points=v.cap_basis_points,
            threshold_grams=t.threshold_grams,
            qualify_months=t.qualify_months,
            monthly_grant_shares=t.monthly_grant_shares,
            vesting_months=t.vesting_months,
            cliff_months=t.cliff_months,
            inactive_months=t.inactive_months,
            updated_at=v.updated_at,
        )


class GrantOut(BaseModel):
    """A grant and what has become of it."""

    id: int
    organisation_id: int
    month: str
    kind: str
    shares: int
    vested: int
    unvested: int
    forfeited: int
    volume_grams: int
    granted_at: datetime
    vesting_months: int
    cliff_months: int

    @classmethod
    def of(cls, g: partners.GrantView) -> GrantOut:
        """Render a grant."""
        return cls(
            id=g.id,
            organisation_id=g.organisation_id,
            month=g.month,
            kind=g.kind,
            shares=g.shares,
            vested=g.vested,
            unvested=g.unvested,
            forfeited=g.forfeited,
            volume_grams=g.volume_grams,
            granted_at=g.granted_at,
            vesting_months=g.vesting_months,
            cliff_months=g.cliff_months,
        )


class LineOut(BaseModel):
    """A partner's line of the cap table."""

    organisation_id: int
    name: str
    role: str
    status: str
    granted: int
    vested: int
    unvested: int
    forfeited: int
    outstanding: int
    equity_basis_points: int

    @classmethod
    def of(cls, line: partners.CapTableLine) -> LineOut:
        """Render a line."""
        return cls(
            organisation_id=line.organisation_id,
            name=line.name,
            role=line.role,
            status=line.status,
            granted=line.granted,
            vested=line.vested,
            unvested=line.unvested,
            forfeited=line.forfeited,
            outstanding=line.outstanding,
            equity_basis_points=line.equity_basis_points,
        )


class HoldingOut(BaseModel):
    """A partner's standing and grants."""

    line: LineOut
    qualified_month: str
    grants: list[GrantOut]

    @classmethod
    def of(cls, h: partners.PartnerHolding) -> HoldingOut:
        """Render a holding."""
        return cls(
            line=LineOut.of(h.line),
            qualified_month=h.qualified_month,
            grants=[GrantOut.of(g) for g in h.grants],
        )


class CapTableOut(BaseModel):
    """The pool against the equity and every partner's line."""

    pool: PoolOut
    other_holders_shares: int
    granted: int
    vested: int
    unvested: int
    forfeited: int
    lines: list[LineOut]


@router.post("/partners/pool", response_model=PoolOut)
def configure_pool(body: PoolIn, ctx: RequestContext = Ctx) -> PoolOut:
    """Set up the pool or change its size and rules (operators)."""
    terms = partners.PoolTerms(
        threshold_grams=body.threshold_grams,
        qualify_months=body.qualify_months,
        monthly_grant_shares=body.monthly_grant_shares,
        vesting_months=body.vesting_months,
        cliff_months=body.cliff_months,
        inactive_months=body.inactive_months,
    )
    return PoolOut.of(
        partners.configure_pool(
            ctx.session,
            actor=ctx.actor,
            total_shares=body.total_shares,
            cap_shares=body.cap_shares,
            terms=terms,
            now=ctx.now,
        )
    )


@router.get("/partners/cap-table", response_model=CapTableOut)
def cap_table(ctx: RequestContext = Ctx) -> CapTableOut:
    """The cap table (operators)."""
    t = partners.cap_table(ctx.session, actor=ctx.actor)
    return CapTableOut(
        pool=PoolOut.of(t.pool),
        other_holders_shares=t.other_holders_shares,
        granted=t.granted,
        vested=t.vested,
        unvested=t.unvested,
        forfeited=t.forfeited,
        lines=[LineOut.of(line) for line in t.lines],
    )


@router.get("/partners/cap-table/csv")
def cap_table_csv(ctx: RequestContext = Ctx) -> Response:
    """The cap table as CSV (operators)."""
    table = partners.cap_table(ctx.session, actor=ctx.actor)
    return Response(
        partners.cap_table_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cap-table.csv"'},
    )


@router.get("/partners/{organisation_id}", response_model=HoldingOut)
def holding(organisation_id: PathId, ctx: RequestContext = Ctx) -> HoldingOut:
    """A partner's standing and grants: its own, or any for operators."""
    return HoldingOut.of(
        partners.partner_holding(ctx.session, actor=ctx.actor, organisation_id=organisation_id)
    )


@router.post("/partners/{organisation_id}/grants", response_model=GrantOut, status_code=201)
def grant(organisation_id: PathId, body: GrantIn, ctx: RequestContext = Ctx) -> GrantOut:
    """Grant options by hand to an active partner (operators); never beyond the pool."""
    return GrantOut.of(
        partners.grant_options(
            ctx.session,
            actor=ctx.actor,
            organisation_id=organisation_id,
            shares=body.shares,
            now=ctx.now,
        )
    )


@router.post("/partners/{organisation_id}/leave", response_model=HoldingOut)
def leave(organisation_id: PathId, body: LeaveIn, ctx: RequestContext = Ctx) -> HoldingOut:
    """Record that a partner left (operators): its unvested options go back to the pool."""
    return HoldingOut.of(
        partners.record_departure(
            ctx.session,
            actor=ctx.actor,
            organisation_id=organisation_id,
            now=ctx.now,
            note=body.note,
        )
    )
