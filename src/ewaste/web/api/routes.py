"""Dispatch: route sheets (a collector's stops of a day with ETAs) and offers of pickups."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ewaste import dispatch
from ewaste.kernel.clock import CHINA_TIME
from ewaste.web.api.pickups import PickupOut
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["dispatch"])


class PointOut(BaseModel):
    """A position, WGS-84 decimal degrees."""

    lat: float
    lon: float


class StopOut(BaseModel):
    """One stop of the route, in driving order."""

    sequence: int
    pickup_id: int
    address: str
    location: PointOut
    window_start: datetime
    window_end: datetime
    eta_arrive: datetime
    eta_start: datetime
    leg_m: int
    late: bool
    estimated_grams: int
    missing_skills: list[str]
    status: str
    heading: bool = Field(description="The collector set out for this stop: no plan moves it.")


class RouteSheetOut(BaseModel):
    """A collector's day: from the base, through the stops, to the station."""

    collector_id: int
    day: date
    vehicle: str
    base: PointOut
    station: PointOut | None
    stops: list[StopOut]
    distance_m: int
    back_at: datetime
    late_stops: int

    @classmethod
    def of(cls, sheet: dispatch.RouteSheet) -> RouteSheetOut:
        """Render a sheet."""
        return cls(
            collector_id=sheet.collector_id,
            day=sheet.day,
            vehicle=sheet.vehicle,
            base=PointOut(lat=sheet.base.lat, lon=sheet.base.lon),
            station=PointOut(lat=sheet.station.lat, lon=sheet.station.lon)
            if sheet.station
            else None,
            stops=[
                StopOut(
                    sequence=s.sequence,
                    pickup_id=s.pickup_id,
                    address=s.address,
                    location=PointOut(lat=s.location.lat, lon=s.location.lon),
                    window_start=s.window_start,
                    window_end=s.window_end,
                    eta_arrive=s.arrive,
                    eta_start=s.start,
                    leg_m=s.leg_m,
                    late=s.late,
                    estimated_grams=s.estimated_grams,
                    missing_skills=sorted(s.missing_skills),
                    status=s.status,
                    heading=s.heading,
                )
                for s in sheet.stops
            ],
            distance_m=sheet.distance_m,
            back_at=sheet.back,
            late_stops=sheet.late,
        )


@router.get("/collectors/{collector_id}/route", response_model=RouteSheetOut)
def route_sheet(
    collector_id: PathId,
    day: date | None = Query(None, description="China-time day (default: today)"),
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> RouteSheetOut:
    """The collector's route for the day (the collector itself, or staff)."""
    sheet = dispatch.route_sheet(
        ctx.session,
        actor=ctx.actor,
        collector_id=collector_id,
        day=day or ctx.now.astimezone(CHINA_TIME).date(),
        now=ctx.now,
    )
    return RouteSheetOut.of(sheet)


class SetOutOut(BaseModel):
    """The collector is on its way to this pickup: no plan moves it any more."""

    pickup_id: int
    collector_id: int
    day: date
    since: datetime
    position: int = Field(description="The stop's place in the day's route, from 1.")


@router.post("/pickups/{pickup_id}/set-out", response_model=SetOutOut)
def set_out(
    pickup_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> SetOutOut:
    """The collector sets out for its pickup of today: it becomes the stop after the ones
    it has started, and live insertion, re-optimisation and the city plan leave it there."""
    done = dispatch.set_out(ctx.session, actor=ctx.actor, pickup_id=pickup_id, now=ctx.now)
    return SetOutOut(
        pickup_id=done.pickup_id,
        collector_id=done.collector_id,
        day=done.day,
        since=done.since,
        position=done.position,
    )


class CityPlanIn(BaseModel):
    """Which day to plan (default: today, China time)."""

    model_config = ConfigDict(extra="forbid")

    day: date | None = None


class CityPlanOut(BaseModel):
    """What the city plan did: stops planned, km before and after, what moved."""

    day: date
    collectors: int
    promised: int
    waiting: int
    served: int
    assigned: int
    moved: int
    skipped: int
    before_m: int
    after_m: int
    left_out: dict[str, int]
    applied: bool
    seconds: float
    declined_moves: int = Field(
        description="Moves the search proposed that did not pay for themselves: the "
        "collectors they concerned kept their routes and were only given waiting pickups."
    )


@router.post("/routes/plan", response_model=CityPlanOut)
def plan_routes(
    body: CityPlanIn | None = None,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> CityPlanOut:
    """Plan a day's routes across all collectors (operators): stops not yet started may
    move to another collector, waiting pickups are given out, started stops stay. Searches
    for EWASTE_CITY_PLAN_SECONDS on one core."""
    done = dispatch.plan_routes(
        ctx.session,
        actor=ctx.actor,
        day=(body.day if body else None) or ctx.now.astimezone(CHINA_TIME).date(),
        now=ctx.now,
        seconds=ctx.settings.city_plan_seconds,
    )
    return CityPlanOut(
        day=done.day,
        collectors=done.collectors,
        promised=done.promised,
        waiting=done.waiting,
        served=done.served,
        assigned=done.assigned,
        moved=done.moved,
        skipped=done.skipped,
        before_m=done.before_m,
        after_m=done.after_m,
        left_out=dict(done.left_out),
        applied=done.applied,
        seconds=round(done.seconds, 3),
        declined_moves=done.declined_moves,
    )


class OfferIn(BaseModel):
    """To how many collectors, for how long."""

    model_config = ConfigDict(extra="forbid")

    collectors: StrictInt = Field(default=3, ge=1, le=dispatch.MAX_OFFERED)
    minutes: StrictInt = Field(default=10, ge=1, le=dispatch.MAX_OFFER_MINUTES)


class OfferOut(BaseModel):
    """An offer of a waiting pickup to one collector."""

    id: int
    pickup_id: int
    collector_id: int
    added_m: int = Field(description="Extra metres the pickup adds to this collector's route")
    offered_at: datetime
    expires_at: datetime
    status: str
    window_start: datetime
    window_end: datetime
    estimated_grams: int

    @classmethod
    def of(cls, offer: dispatch.OfferView) -> OfferOut:
        """Render an offer."""
        return cls(
            id=offer.id,
            pickup_id=offer.pickup_id,
            collector_id=offer.collector_id,
            added_m=offer.added_m,
            offered_at=offer.offered_at,
            expires_at=offer.expires_at,
            status=offer.status,
            window_start=offer.window_start,
            window_end=offer.window_end,
            estimated_grams=offer.estimated_grams,
        )


@router.post("/pickups/{pickup_id}/offers", response_model=list[OfferOut], status_code=201)
def offer_pickup(
    pickup_id: PathId,
    body: OfferIn | None = None,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[OfferOut]:
    """Offer a waiting pickup to the collectors whose routes take it most cheaply (staff)."""
    wanted = body or OfferIn()
    offers = dispatch.offer_pickup(
        ctx.session,
        actor=ctx.actor,
        pickup_id=pickup_id,
        now=ctx.now,
        collectors=wanted.collectors,
        minutes=wanted.minutes,
    )
    return [OfferOut.of(o) for o in offers]


@router.get("/offers", response_model=list[OfferOut])
def list_offers(ctx: RequestContext = Depends(api_context, scope="function")) -> list[OfferOut]:
    """Open offers: the collector's own, or all of them for staff."""
    return [OfferOut.of(o) for o in dispatch.open_offers(ctx.session, actor=ctx.actor)]


@router.post("/offers/{offer_id}/accept", response_model=PickupOut)
def accept_offer(
    offer_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> PickupOut:
    """Take the offered pickup (the first collector to accept gets it)."""
    return PickupOut.of(
        dispatch.accept_offer(ctx.session, actor=ctx.actor, offer_id=offer_id, now=ctx.now)
    )


@router.post("/offers/{offer_id}/decline", response_model=OfferOut)
def decline_offer(
    offer_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> OfferOut:
    """Turn the offer down."""
    return OfferOut.of(
        dispatch.decline_offer(ctx.session, actor=ctx.actor, offer_id=offer_id, now=ctx.now)
    )
