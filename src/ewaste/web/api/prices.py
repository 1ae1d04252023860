"""Prices: the public board, index and history; operators add versions and import CSV."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from ewaste import pricing
from ewaste.web.api.schemas import MoneyOut
from ewaste.web.context import (
    RequestContext,
    api_context,
    clock,
    forget_price_books,
    public_session,
    settings,
)

router = APIRouter(tags=["prices"])


class PriceInputIn(BaseModel):
    """A new version of a price input."""

    model_config = ConfigDict(extra="forbid")

    kind: pricing.PriceKind
    key: str = Field(min_length=1, max_length=80, examples=["copper_motor_wire"])
    region: str = Field(min_length=1, max_length=40, examples=["shenzhen"])
    value: str = Field(
        min_length=1,
        max_length=20,
        examples=["41.50"],
        description="Yuan per kg / unit / km as a decimal string; basis points for a share",
    )
    effective_from: datetime
    source: str = Field(min_length=1, max_length=1000)
    estimate: bool = False


class PriceInputOut(BaseModel):
    """One version of a price input."""

    id: int
    kind: str
    key: str
    region: str
    value: str
    effective_from: datetime
    effective_to: datetime | None
    source: str
    estimate: bool
    entered_at: datetime

    @classmethod
    def of(cls, row: pricing.PriceInputView) -> PriceInputOut:
        """Render a version (basis points stay whole for a subsidy share)."""
        value = str(row.micro_yuan) if row.kind == "subsidy_share" else str(row.yuan.normalize())
        return cls(
            id=row.id,
            kind=row.kind,
            key=row.key,
            region=row.region,
            value=value,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            source=row.source,
            estimate=row.estimate,
            entered_at=row.entered_at,
        )


class ImportIn(BaseModel):
    """A CSV text with a header: kind,key,region,value,effective_from,source[,estimate]."""

    model_config = ConfigDict(extra="forbid")

    csv: str = Field(min_length=1, max_length=2_000_000)


class ImportOut(BaseModel):
    """How many versions a CSV import appended."""

    imported: int


class CommodityOut(BaseModel):
    """A commodity price in force."""

    commodity: str
    yuan_per_kg: str
    effective_from: datetime
    source: str
    estimate: bool
    price_input_id: int


class ReferenceOut(BaseModel):
    """A category's reference unit: default attributes, not working, handed in at a station."""

    category: str
    unit_mass_grams: int
    payable: MoneyOut
    net_fen_exact: str
    free_collection: bool


class BoardOut(BaseModel):
    """The public price board."""

    region: str
    at: datetime
    commodities: list[CommodityOut]
    references: list[ReferenceOut]


class IndexPointOut(BaseModel):
    """One weekly point of a category's reference price."""

    day: str
    net_fen_exact: str
    index: str | None


@router.get("/prices", response_model=list[PriceInputOut])
def price_history(
    kind: pricing.PriceKind | None = Query(default=None),
    key: str | None = Query(default=None, max_length=80),
    region: str | None = Query(default=None, max_length=40),
    limit: int = Query(default=200, ge=1, le=2000),
    session: Session = Depends(public_session),
) -> list[PriceInputOut]:
    """Every version of the price inputs, newest first (public: our prices are open)."""
    rows = pricing.price_history(
        session, kind=kind.value if kind else None, key=key, region=region, limit=limit
    )
    return [PriceInputOut.of(r) for r in rows]


@router.get("/prices/board", response_model=BoardOut)
def price_board(
    request: Request,
    region: str | None = Query(default=None, max_length=40),
    session: Session = Depends(public_session),
) -> BoardOut:
    """Commodity prices in force and each category's reference price (public)."""
    board = pricing.price_board(
        session, region=region or settings(request).default_region, at=clock(request).now()
    )
    return BoardOut(
        region=board.region,
        at=board.at,
        commodities=[
            CommodityOut(
                commodity=c.commodity,
                yuan_per_kg=str(c.yuan_per_kg.normalize()),
                effective_from=c.effective_from,
                source=c.source,
                estimate=c.estimate,
                price_input_id=c.input_id,
            )
            for c in board.commodities
        ],
        references=[
            ReferenceOut(
                category=r.category,
                unit_mass_grams=r.unit_mass_g,
                payable=MoneyOut.of(r.payable),
                net_fen_exact=str(r.net_fen_exact),
                free_collection=r.free_collection,
            )
            for r in board.references
        ],
    )


@router.get("/prices/index", response_model=dict[str, list[IndexPointOut]])
def price_index(
    request: Request,
    region: str | None = Query(default=None, max_length=40),
    weeks: int = Query(default=12, ge=1, le=104),
    session: Session = Depends(public_session),
) -> dict[str, list[IndexPointOut]]:
    """Weekly reference price per category, and its index (first week = 100) (public)."""
    series = pricing.price_index(
        session,
        region=region or settings(request).default_region,
        at=clock(request).now(),
        weeks=weeks,
    )
    return {
        code: [
            IndexPointOut(
                day=p.day.isoformat(),
                net_fen_exact=str(p.net_fen),
                index=str(p.index) if p.index is not None else None,
            )
            for p in points
        ]
        for code, points in series.items()
    }


@router.post("/prices", response_model=PriceInputOut, status_code=201)
def add_price(
    body: PriceInputIn,
    request: Request,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> PriceInputOut:
    """Append a new version of a price input (operator); history is kept, never changed."""
    forget_price_books(request, ctx.session)
    row = pricing.record_price_input(
        ctx.session,
        actor=ctx.actor,
        kind=body.kind.value,
        key=body.key,
        region=body.region,
        value=body.value,
        effective_from=body.effective_from,
        source=body.source,
        estimate=body.estimate,
        now=ctx.now,
    )
    return PriceInputOut.of(row)


@router.post("/prices/import", response_model=ImportOut, status_code=201)
def import_prices(
    body: ImportIn,
    request: Request,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> ImportOut:
    """Import price versions from CSV text, all or nothing (operator)."""
    forget_price_books(request, ctx.session)
    count = pricing.import_price_csv(ctx.session, actor=ctx.actor, text=body.csv, now=ctx.now)
    return ImportOut(imported=count)
