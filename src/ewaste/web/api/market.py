"""The exchange market: licences and assessments (operator), capacity, sealed bids,
standing bids and contracts."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from ewaste import exchange
from ewaste.web.api.schemas import MoneyIn, MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["market"])

Ctx = Depends(api_context, scope="function")


class LicenceIn(BaseModel):
    """A plant's dismantling licence as issued by the environmental authority."""

    model_config = ConfigDict(extra="forbid")

    plant_id: int = Field(ge=1, le=2**31 - 1)
    number: str = Field(min_length=1, max_length=60)
    province: str = Field(min_length=1, max_length=40)
    annual_units: dict[str, int] = Field(min_length=1, max_length=40)
    valid_from: date
    valid_to: date


class LicenceOut(BaseModel):
    """A recorded licence."""

    id: int
    plant_id: int
    number: str
    province: str
    valid_from: date
    valid_to: date
    annual_units: dict[str, int]

    @classmethod
    def of(cls, v: exchange.LicenceView) -> LicenceOut:
        """Render a licence."""
        return cls(
            id=v.id,
            plant_id=v.plant_id,
            number=v.number,
            province=v.province,
            valid_from=v.valid_from,
            valid_to=v.valid_to,
            annual_units=dict(v.annual_units),
        )


class AssessmentIn(BaseModel):
    """A conformity checklist: every item of exchange.CHECKLIST, met or not."""

    model_config = ConfigDict(extra="forbid")

    plant_id: int = Field(ge=1, le=2**31 - 1)
    answers: dict[str, bool] = Field(min_length=1, max_length=100)


class ReviewIn(BaseModel):
    """An operator's decision on a submitted assessment."""

    model_config = ConfigDict(extra="forbid")

    passed: bool
    note: str = Field(default="", max_length=300)


class AssessmentOut(BaseModel):
    """A conformity assessment and its scores."""

    id: int
    plant_id: int
    sections: dict[str, int]
    total: int
    status: str
    recorded_at: datetime
    reviewed_at: datetime | None

    @classmethod
    def of(cls, v: exchange.AssessmentView) -> AssessmentOut:
        """Render an assessment."""
        return cls(
            id=v.id,
            plant_id=v.plant_id,
            sections=dict(v.sections),
            total=v.total,
            status=v.status,
            recorded_at=v.recorded_at,
            reviewed_at=v.reviewed_at,
        )


class CapacityLineOut(BaseModel):
    """Licensed, contracted and idle units of one category this year."""

    category: str
    licensed_units: int
    used_units: int
    idle_units: int


class CapacityOut(BaseModel):
    """A plant's capacity this year."""

    plant_id: int
    year: int
    assessment_passed: bool
    lines: list[CapacityLineOut]


class BidIn(BaseModel):
    """A sealed bid for the whole lot."""

    model_config = ConfigDict(extra="forbid")

    price: MoneyIn


class BidOut(BaseModel):
    """A sealed bid."""

    id: int
    lot_id: int
    plant_id: int
    price: MoneyOut
    placed_at: datetime

    @classmethod
    def of(cls, v: exchange.BidView) -> BidOut:
        """Render a bid."""
        return cls(
            id=v.id,
            lot_id=v.lot_id,
            plant_id=v.plant_id,
            price=MoneyOut.of(v.price),
            placed_at=v.placed_at,
        )


class AuctionOut(BaseModel):
    """An auction with the bids the caller may see (its own; all after the close for the
    seller and staff)."""

    lot_id: int
    reserve: MoneyOut
    closes_at: datetime
    status: str
    winning_bid_id: int | None
    bids: list[BidOut]


class StandingBidIn(BaseModel):
    """A plant's standing order for a category."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=40)
    basis: exchange.PriceBasis
    price: MoneyIn
    radius_km: int = Field(ge=1, le=3000)
    units_per_month: int = Field(ge=1, le=1_000_000)


class StandingBidOut(BaseModel):
    """A standing bid."""

    id: int
    plant_id: int
    category: str
    basis: str
    price: MoneyOut
    radius_km: int
    units_per_month: int
    units_left_this_month: int
    status: str
    posted_at: datetime

    @classmethod
    def of(cls, v: exchange.StandingBidView) -> StandingBidOut:
        """Render a standing bid."""
        return cls(
            id=v.id,
            plant_id=v.plant_id,
            category=v.category_code,
            basis=v.basis,
            price=MoneyOut.of(v.price),
            radius_km=v.radius_km,
            units_per_month=v.units_per_month,
            units_left_this_month=v.units_left_this_month,
            status=v.status,
            posted_at=v.posted_at,
        )


class ContractOut(BaseModel):
    """An award: agreed price, quantity and delivery terms."""

    id: int
    lot_id: int
    plant_id: int
    station_id: int
    category: str
    method: str
    price: MoneyOut
    unit_count: int
    grams: int
    transport: MoneyOut
    delivery_terms: str
    status: str
    awarded_at: datetime
    deliver_by: datetime

    @classmethod
    def of(cls, v: exchange.ContractView) -> ContractOut:
        """Render a contract."""
        return cls(
            id=v.id,
            lot_id=v.lot_id,
            plant_id=v.plant_id,
            station_id=v.station_id,
            category=v.category_code,
            method=v.method,
            price=MoneyOut.of(v.price),
            unit_count=v.unit_count,
            grams=v.grams,
            transport=MoneyOut.of(v.transport),
            delivery_terms=v.delivery_terms,
            status=v.status,
            awarded_at=v.awarded_at,
            deliver_by=v.deliver_by,
        )


@router.post("/licences", response_model=LicenceOut, status_code=201)
def record_licence(body: LicenceIn, ctx: RequestContext = Ctx) -> LicenceOut:
    """Record a plant's dismantling licence (operator)."""
    return LicenceOut.of(
        exchange.record_licence(
            ctx.session,
            actor=ctx.actor,
            plant_id=body.plant_id,
            number=body.number,
            province=body.province,
            annual_units=body.annual_units,
            valid_from=body.valid_from,
            valid_to=body.valid_to,
            now=ctx.now,
        )
    )


@router.get("/plants/{plant_id}/licences", response_model=list[LicenceOut])
def plant_licences(plant_id: PathId, ctx: RequestContext = Ctx) -> list[LicenceOut]:
    """A plant's licences (the plant itself, operators, regulators)."""
    views = exchange.licences_of(ctx.session, actor=ctx.actor, plant_id=plant_id)
    return [LicenceOut.of(v) for v in views]


@router.get("/plants/{plant_id}/capacity", response_model=CapacityOut)
def plant_capacity(plant_id: PathId, ctx: RequestContext = Ctx) -> CapacityOut:
    """Licensed, contracted and idle units this year per category."""
    report = exchange.plant_capacity(ctx.session, actor=ctx.actor, plant_id=plant_id, now=ctx.now)
    return CapacityOut(
        plant_id=report.plant_id,
        year=report.year,
        assessment_passed=report.assessment_passed,
        lines=[
            CapacityLineOut(
                category=line.category_code,
                licensed_units=line.licensed_units,
                used_units=line.used_units,
                idle_units=line.idle_units,
            )
            for line in report.lines
        ],
    )


@router.post("/assessments", response_model=AssessmentOut, status_code=201)
def record_assessment(body: AssessmentIn, ctx: RequestContext = Ctx) -> AssessmentOut:
    """Record a plant's conformity checklist, scored, for review (operator)."""
    return AssessmentOut.of(
        exchange.record_assessment(
            ctx.session, actor=ctx.actor, plant_id=body.plant_id, answers=body.answers, now=ctx.now
        )
    )


@router.post("/assessments/{assessment_id}/review", response_model=AssessmentOut)
def review_assessment(
    assessment_id: PathId, body: ReviewIn, ctx: RequestContext = Ctx
) -> AssessmentOut:
    """Pass or fail a submitted assessment (operator)."""
    return AssessmentOut.of(
        exchange.review_assessment(
            ctx.session,
            actor=ctx.actor,
            assessment_id=assessment_id,
            passed=body.passed,
            note=body.note,
            now=ctx.now,
        )
    )


@router.post("/lots/{lot_id}/bids", response_model=BidOut, status_code=201)
def place_bid(lot_id: PathId, body: BidIn, ctx: RequestContext = Ctx) -> BidOut:
    """Place the plant's one sealed bid on an auctioned lot."""
    return BidOut.of(
        exchange.place_bid(
            ctx.session, actor=ctx.actor, lot_id=lot_id, price=body.price.to_money(), now=ctx.now
        )
    )


@router.get("/lots/{lot_id}/auction", response_model=AuctionOut)
def lot_auction(lot_id: PathId, ctx: RequestContext = Ctx) -> AuctionOut:
    """A lot's auction with the bids the caller may see."""
    view = exchange.auction_of_lot(ctx.session, actor=ctx.actor, lot_id=lot_id)
    return AuctionOut(
        lot_id=view.lot_id,
        reserve=MoneyOut.of(view.reserve),
        closes_at=view.closes_at,
        status=view.status,
        winning_bid_id=view.winning_bid_id,
        bids=[BidOut.of(b) for b in view.bids],
    )


@router.post("/standing-bids", response_model=StandingBidOut, status_code=201)
def post_standing_bid(body: StandingBidIn, ctx: RequestContext = Ctx) -> StandingBidOut:
    """Post a standing bid (plant)."""
    return StandingBidOut.of(
        exchange.post_standing_bid(
            ctx.session,
            actor=ctx.actor,
            category=body.category,
            basis=body.basis,
            price=body.price.to_money(),
            radius_km=body.radius_km,
            units_per_month=body.units_per_month,
            now=ctx.now,
        )
    )


@router.get("/standing-bids", response_model=list[StandingBidOut])
def list_standing_bids(ctx: RequestContext = Ctx) -> list[StandingBidOut]:
    """Standing bids the caller may see: a plant its own, staff all."""
    views = exchange.standing_bids_for(ctx.session, actor=ctx.actor, now=ctx.now)
    return [StandingBidOut.of(v) for v in views]


@router.post("/standing-bids/{bid_id}/withdraw", response_model=StandingBidOut)
def withdraw_standing_bid(bid_id: PathId, ctx: RequestContext = Ctx) -> StandingBidOut:
    """Withdraw the plant's own standing bid."""
    return StandingBidOut.of(
        exchange.withdraw_standing_bid(ctx.session, actor=ctx.actor, bid_id=bid_id, now=ctx.now)
    )


@router.get("/contracts", response_model=list[ContractOut])
def list_contracts(ctx: RequestContext = Ctx) -> list[ContractOut]:
    """Contracts the caller is party to (staff: all)."""
    return [ContractOut.of(c) for c in exchange.contracts_for(ctx.session, actor=ctx.actor)]


@router.get("/contracts/{contract_id}", response_model=ContractOut)
def get_contract(contract_id: PathId, ctx: RequestContext = Ctx) -> ContractOut:
    """One contract: its buyer, its seller or staff."""
    return ContractOut.of(
        exchange.get_contract(ctx.session, actor=ctx.actor, contract_id=contract_id)
    )


class ClearingPriceOut(BaseModel):
    """What contracts of one category, region (province) and ISO week cleared at."""

    week: str
    category: str
    region: str
    contracts: int
    units: int
    grams: int
    total: MoneyOut
    per_unit: MoneyOut
    per_kg: MoneyOut


class CapacityUseOut(BaseModel):
    """Licensed plant capacity of one category this year and how much is contracted."""

    category: str
    plants: int
    licensed_units: int
    contracted_units: int
    idle_units: int
    utilisation_basis_points: int


class MarketDataOut(BaseModel):
    """Clearing prices of the recent ISO weeks (newest first) and capacity utilisation."""

    weeks: list[str]
    prices: list[ClearingPriceOut]
    year: int
    capacity: list[CapacityUseOut]


@router.get("/market/data", response_model=MarketDataOut)
def market_data(
    weeks: int = Query(default=8, ge=1, le=26),
    category: str | None = Query(default=None, max_length=40),
    ctx: RequestContext = Ctx,
) -> MarketDataOut:
    """Clearing prices per category, region and week, and plant capacity utilisation this
    year (stations, plants, staff): aggregates only, no party named."""
    data = exchange.market_data(
        ctx.session, actor=ctx.actor, now=ctx.now, weeks=weeks, category=category
    )
    return MarketDataOut(
        weeks=list(data.weeks),
        prices=[
            ClearingPriceOut(
                week=p.week,
                category=p.category_code,
                region=p.region,
                contracts=p.contracts,
                units=p.units,
                grams=p.grams,
                total=MoneyOut.of(p.total),
                per_unit=MoneyOut.of(p.per_unit),
                per_kg=MoneyOut.of(p.per_kg),
            )
            for p in data.prices
        ],
        year=data.year,
        capacity=[
            CapacityUseOut(
                category=c.category_code,
                plants=c.plants,
                licensed_units=c.licensed_units,
                contracted_units=c.contracted_units,
                idle_units=c.idle_units,
                utilisation_basis_points=c.utilisation_basis_points,
            )
            for c in data.capacity
        ],
    )
