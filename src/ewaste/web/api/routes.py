"""Route sheets: a collector's stops for a day in driving order, with ETAs, for the map."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ewaste import dispatch
from ewaste.kernel.clock import CHINA_TIME
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
    )
    return RouteSheetOut.of(sheet)
