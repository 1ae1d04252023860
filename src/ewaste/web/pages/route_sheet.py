"""The route sheet page: a collector's stops for a day, in order, on a map and in a table."""

from __future__ import annotations

import json
from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import FormData
from starlette.responses import JSONResponse, Response

from ewaste import dispatch
from ewaste.identity import Role
from ewaste.kernel.clock import china_day
from ewaste.kernel.errors import DomainError
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.rendering import render, see_other

router = APIRouter(include_in_schema=False)

TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ATTRIBUTION = "© OpenStreetMap contributors"
WATCH_EVERY_MS = 30_000
"""How often an open sheet asks whether its stops changed (a city plan, a new pickup)."""


@router.get("/collectors/{collector_id}/route", name="page_route_sheet")
def route_sheet(
    request: Request,
    collector_id: PathId,
    day: date | None = Query(None),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """The collector's own sheet, or any collector's for staff (404 for anyone else)."""
    return _sheet_page(request, ctx, collector_id, day or china_day(ctx.now))


@router.get("/collectors/{collector_id}/route/version", name="page_route_sheet_version")
def route_sheet_version(
    collector_id: PathId,
    day: date | None = Query(None),
    ctx: RequestContext = Depends(page_context),
) -> JSONResponse:
    """The sheet's fingerprint (`RouteSheet.version`): the open page asks for it now and then
    and tells the collector when its stops changed. Same access as the sheet."""
    sheet = dispatch.route_sheet(
        ctx.session,
        actor=ctx.actor,
        collector_id=collector_id,
        day=day or china_day(ctx.now),
        now=ctx.now,
    )
    return JSONResponse({"version": sheet.version}, headers={"Cache-Control": "no-store"})


@router.post("/pickups/{pickup_id}/set-out", name="page_set_out")
def set_out(
    request: Request,
    pickup_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """The collector sets out for a stop of today's sheet (same service as the API)."""
    try:
        dispatch.set_out(ctx.session, actor=ctx.actor, pickup_id=pickup_id, now=ctx.now)
    except DomainError as err:
        failure = failed(request, ctx, f"set-out-{pickup_id}", err, form)
        if ctx.actor.role is not Role.COLLECTOR:
            return error_page(request, ctx, failure)
        return _sheet_page(
            request, ctx, ctx.actor.organisation_id, china_day(ctx.now), failure=failure
        )
    return see_other(f"/collectors/{ctx.actor.organisation_id}/route#pickup-{pickup_id}")


def _sheet_page(
    request: Request,
    ctx: RequestContext,
    collector_id: int,
    day: date,
    *,
    failure: Failure | None = None,
) -> Response:
    sheet = dispatch.route_sheet(
        ctx.session, actor=ctx.actor, collector_id=collector_id, day=day, now=ctx.now
    )
    return render(
        request,
        "route_sheet.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        sheet=sheet,
        may_set_out=ctx.actor.organisation_id == collector_id
        and ctx.actor.role is Role.COLLECTOR
        and day == china_day(ctx.now),
        tiles=TILES,
        attribution=ATTRIBUTION,
        map_data=json.dumps(_map_data(sheet)),
        version_url=str(request.url_for("page_route_sheet_version", collector_id=collector_id).path)
        + f"?day={day.isoformat()}",
        watch_ms=WATCH_EVERY_MS,
    )


def _map_data(sheet: dispatch.RouteSheet) -> dict[str, object]:
    return {
        "base": {"lat": sheet.base.lat, "lon": sheet.base.lon},
        "station": {"lat": sheet.station.lat, "lon": sheet.station.lon} if sheet.station else None,
        "stops": [
            {
                "sequence": s.sequence,
                "pickup_id": s.pickup_id,
                "address": s.address,
                "lat": s.location.lat,
                "lon": s.location.lon,
                "late": s.late,
            }
            for s in sheet.stops
        ],
    }
