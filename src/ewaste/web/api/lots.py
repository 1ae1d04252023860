"""Lots: build (station), browse and buy (plant), ship (station), receive (plant)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from ewaste import exchange
from ewaste.web.api.schemas import Grams, MoneyIn, MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["lots"])


class LotIn(BaseModel):
    """Units of one category held at the station, and the fixed price of the whole lot."""

    model_config = ConfigDict(extra="forbid")

    unit_codes: list[str] = Field(min_length=1, max_length=5000)
    price: MoneyIn
    """The fixed price, or the reserve of an auction, or the fallback price of a lot
    offered to standing bids."""
    sale: exchange.SaleMethod = exchange.SaleMethod.FIXED_PRICE
    closes_at: datetime | None = None
    """When an auction closes (sale = auction)."""


class ReceptionIn(BaseModel):
    """What the plant scanned and what the weighbridge showed."""

    model_config = ConfigDict(extra="forbid")

    unit_codes: list[str] = Field(min_length=1, max_length=5000)
    load_grams: Grams


class LotOut(BaseModel):
    """A lot."""

    id: int
    station_id: int
    category: str
    hazardous: bool
    status: str
    unit_count: int
    grams: int
    price: MoneyOut
    plant_id: int | None
    created_at: datetime
    received_units: int | None
    received_grams: int | None
    unit_codes: list[str]
    sale: str

    @classmethod
    def of(cls, lot: exchange.LotView) -> LotOut:
        """Render a lot."""
        return cls(
            id=lot.id,
            station_id=lot.station_id,
            category=lot.category_code,
            hazardous=lot.hazardous,
            status=lot.status,
            unit_count=lot.unit_count,
            grams=lot.grams,
            price=MoneyOut.of(lot.price),
            plant_id=lot.plant_id,
            created_at=lot.created_at,
            received_units=lot.received_units,
            received_grams=lot.received_grams,
            unit_codes=list(lot.unit_codes),
            sale=lot.sale_method,
        )


@router.post("/lots", response_model=LotOut, status_code=201)
def create_lot(body: LotIn, ctx: RequestContext = Depends(api_context, scope="function")) -> LotOut:
    """List units of one category held at the caller's station: fixed price, auction or
    standing bids (matched at once)."""
    lot = exchange.create_lot(
        ctx.session,
        actor=ctx.actor,
        unit_codes=body.unit_codes,
        price=body.price.to_money(),
        now=ctx.now,
        sale=body.sale,
        closes_at=body.closes_at,
        transport_fen_per_km=ctx.settings.transport_fen_per_km,
    )
    return LotOut.of(lot)


@router.get("/lots", response_model=list[LotOut])
def list_lots(
    status: exchange.LotStatus | None = Query(default=None),
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[LotOut]:
    """Lots the caller may see: own (station), listed or bought (plant), all (staff)."""
    views = exchange.lots_for(ctx.session, actor=ctx.actor, status=status.value if status else None)
    return [LotOut.of(lot) for lot in views]


@router.get("/lots/{lot_id}", response_model=LotOut)
def get_lot(lot_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")) -> LotOut:
    """One lot the caller may see."""
    return LotOut.of(exchange.get_lot(ctx.session, actor=ctx.actor, lot_id=lot_id))


@router.post("/lots/{lot_id}/buy", response_model=LotOut)
def buy_lot(lot_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")) -> LotOut:
    """Buy a listed lot at its fixed price; the payment is held in escrow (plant)."""
    return LotOut.of(exchange.buy_lot(ctx.session, actor=ctx.actor, lot_id=lot_id, now=ctx.now))


@router.post("/lots/{lot_id}/ship", response_model=LotOut)
def ship_lot(
    lot_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> LotOut:
    """Ship a sold lot to its buyer (station)."""
    return LotOut.of(exchange.ship_lot(ctx.session, actor=ctx.actor, lot_id=lot_id, now=ctx.now))


@router.post("/lots/{lot_id}/receive", response_model=LotOut)
def receive_lot(
    lot_id: PathId, body: ReceptionIn, ctx: RequestContext = Depends(api_context, scope="function")
) -> LotOut:
    """Receive a shipped lot by scan and weighbridge; reconcile; release escrow if it matches."""
    lot = exchange.receive_lot(
        ctx.session,
        actor=ctx.actor,
        lot_id=lot_id,
        unit_codes=body.unit_codes,
        load_grams=body.load_grams,
        now=ctx.now,
        tolerance_basis_points=ctx.settings.reception_weight_tolerance_basis_points,
        fee_basis_points=ctx.settings.platform_fee_basis_points,
    )
    return LotOut.of(lot)
