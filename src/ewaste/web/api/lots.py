"""Lots: build (station), browse and buy (plant), ship (station), receive (plant), and
reception discrepancies (plant and station read, operators decide)."""

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
    photos: list[str] = Field(default_factory=list, max_length=12)
    """Photo references (evidence ids such as photo:2026/11/24/abc.jpg), shown on the board."""


class ReceptionIn(BaseModel):
    """What the plant scanned and what the weighbridge showed."""

    model_config = ConfigDict(extra="forbid")

    unit_codes: list[str] = Field(min_length=1, max_length=5000)
    load_grams: Grams
    evidence: list[str] = Field(default_factory=list, max_length=12)
    """Evidence references (photos, the weighbridge ticket) kept with any discrepancy."""


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
    photos: list[str]

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
            photos=list(lot.photos),
        )


@router.post("/lots", response_model=LotOut, status_code=201)
def create_lot(body: LotIn, ctx: RequestContext = Depends(api_context, scope="function")) -> LotOut:
    """List units of one category held at the caller's station: fixed price, auction or
    standing bids (matched by the worker's job, oldest lot first)."""
    lot = exchange.create_lot(
        ctx.session,
        actor=ctx.actor,
        unit_codes=body.unit_codes,
        price=body.price.to_money(),
        now=ctx.now,
        sale=body.sale,
        closes_at=body.closes_at,
        photos=body.photos,
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
    """Receive a shipped lot by scan and weighbridge and reconcile it: escrow is released
    when it matches; missing or extra units or a load outside the tolerance open a
    discrepancy (missing units only: decided at once by the pro rata rule)."""
    lot = exchange.receive_lot(
        ctx.session,
        actor=ctx.actor,
        lot_id=lot_id,
        unit_codes=body.unit_codes,
        load_grams=body.load_grams,
        now=ctx.now,
        tolerance_basis_points=ctx.settings.reception_weight_tolerance_basis_points,
        fee_basis_points=ctx.settings.platform_fee_basis_points,
        evidence=body.evidence,
    )
    return LotOut.of(lot)


class DecisionIn(BaseModel):
    """An operator's decision on a discrepancy: the price the station is paid, and why."""

    model_config = ConfigDict(extra="forbid")

    adjusted_price: MoneyIn
    reason: str = Field(min_length=1, max_length=500)


class DiscrepancyChangeOut(BaseModel):
    """One transition of a discrepancy."""

    from_status: str
    to_status: str
    event: str
    at: datetime
    note: str


class FoundUnitOut(BaseModel):
    """A unit reported missing at reception that turned up afterwards."""

    unit_code: str
    found_at: datetime
    paid: MoneyOut
    """What the plant paid the station for it, before the platform fee (nothing for a unit
    found at the station)."""
    place: str
    """Where it turned up: `plant` (received there, paid for) or `station` (never loaded;
    back in the station's stock and out of the lot)."""


class FoundUnitIn(BaseModel):
    """A unit of the lot, reported missing at reception, found at the plant (or back at the
    station that shipped it)."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(min_length=1, max_length=40)
    evidence: list[str] = Field(default_factory=list, max_length=12)


class DiscrepancyOut(BaseModel):
    """A reception discrepancy and its decision."""

    id: int
    lot_id: int
    contract_id: int
    station_id: int
    plant_id: int
    status: str
    kinds: list[str]
    lot_units: int
    received_units: int
    missing_units: int
    extra_units: int
    lot_grams: int
    expected_grams: int
    received_grams: int
    tolerance_basis_points: int
    missing_codes: list[str]
    extra_codes: list[str]
    evidence: list[str]
    contract_price: MoneyOut
    proposed_price: MoneyOut
    adjusted_price: MoneyOut | None
    decided_by: str | None
    reason: str
    opened_at: datetime
    decided_at: datetime | None
    history: list[DiscrepancyChangeOut]
    found_units: list[FoundUnitOut]
    """Units reported missing that turned up afterwards: at the plant (received, paid) or
    at the station (back in its stock)."""
    still_missing_codes: list[str]
    """`missing_codes` less the units found since (the counts above are the reception's)."""

    @classmethod
    def of(cls, d: exchange.DiscrepancyView) -> DiscrepancyOut:
        """Render a discrepancy."""
        return cls(
            id=d.id,
            lot_id=d.lot_id,
            contract_id=d.contract_id,
            station_id=d.station_id,
            plant_id=d.plant_id,
            status=d.status,
            kinds=list(d.kinds),
            lot_units=d.lot_units,
            received_units=d.received_units,
            missing_units=d.missing_units,
            extra_units=d.extra_units,
            lot_grams=d.lot_grams,
            expected_grams=d.expected_grams,
            received_grams=d.received_grams,
            tolerance_basis_points=d.tolerance_basis_points,
            missing_codes=list(d.missing_codes),
            extra_codes=list(d.extra_codes),
            evidence=list(d.evidence),
            contract_price=MoneyOut.of(d.contract_price),
            proposed_price=MoneyOut.of(d.proposed_price),
            adjusted_price=MoneyOut.of(d.adjusted_price) if d.adjusted_price else None,
            decided_by=d.decided_by,
            reason=d.reason,
            opened_at=d.opened_at,
            decided_at=d.decided_at,
            history=[
                DiscrepancyChangeOut(
                    from_status=h.from_status,
                    to_status=h.to_status,
                    event=h.event,
                    at=h.at,
                    note=h.note,
                )
                for h in d.history
            ],
            found_units=[
                FoundUnitOut(
                    unit_code=f.unit_code,
                    found_at=f.found_at,
                    paid=MoneyOut.of(f.paid),
                    place=f.place,
                )
                for f in d.found
            ],
            still_missing_codes=list(d.still_missing),
        )


@router.get("/discrepancies", response_model=list[DiscrepancyOut])
def list_discrepancies(
    status: exchange.DiscrepancyStatus | None = Query(default=None),
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[DiscrepancyOut]:
    """Reception discrepancies the caller may see: its own (plant, station), all (staff)."""
    views = exchange.discrepancies_for(
        ctx.session, actor=ctx.actor, status=status.value if status else None
    )
    return [DiscrepancyOut.of(d) for d in views]


@router.get("/lots/{lot_id}/discrepancy", response_model=DiscrepancyOut)
def get_discrepancy(
    lot_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> DiscrepancyOut:
    """The lot's reception discrepancy: its plant, its station and staff."""
    return DiscrepancyOut.of(exchange.get_discrepancy(ctx.session, actor=ctx.actor, lot_id=lot_id))


@router.post("/lots/{lot_id}/discrepancy/decision", response_model=DiscrepancyOut)
def decide_discrepancy(
    lot_id: PathId,
    body: DecisionIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> DiscrepancyOut:
    """Decide an open discrepancy (operator): the adjusted price and the reason; escrow pays
    the station the adjusted price less the fee and refunds the plant the rest."""
    view = exchange.decide_discrepancy(
        ctx.session,
        actor=ctx.actor,
        lot_id=lot_id,
        adjusted_price=body.adjusted_price.to_money(),
        reason=body.reason,
        now=ctx.now,
        fee_basis_points=ctx.settings.platform_fee_basis_points,
    )
    return DiscrepancyOut.of(view)


@router.post("/lots/{lot_id}/found-units", response_model=DiscrepancyOut, status_code=201)
def receive_found_unit(
    lot_id: PathId,
    body: FoundUnitIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> DiscrepancyOut:
    """Receive a unit of the lot that its reception reported missing and that turned up at
    the plant afterwards (the plant that received the lot, once its discrepancy is decided):
    it passes into the plant's custody and the plant pays the station its pro rata share,
    less the platform fee, never beyond the contract price."""
    view = exchange.receive_found_unit(
        ctx.session,
        actor=ctx.actor,
        lot_id=lot_id,
        unit_code=body.unit_code,
        now=ctx.now,
        fee_basis_points=ctx.settings.platform_fee_basis_points,
        evidence=body.evidence,
    )
    return DiscrepancyOut.of(view)


@router.post("/lots/{lot_id}/found-at-station", response_model=DiscrepancyOut, status_code=201)
def unit_found_at_station(
    lot_id: PathId,
    body: FoundUnitIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> DiscrepancyOut:
    """A unit of the lot that its reception reported missing is found back at the station
    that shipped it (never loaded; that station only): it returns to the station's stock
    and leaves the lot, so it can be listed again. No money moves."""
    view = exchange.unit_found_at_station(
        ctx.session,
        actor=ctx.actor,
        lot_id=lot_id,
        unit_code=body.unit_code,
        now=ctx.now,
        evidence=body.evidence,
    )
    return DiscrepancyOut.of(view)
