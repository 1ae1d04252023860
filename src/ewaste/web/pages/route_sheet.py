"""The route sheet page: a collector's stops for a day, in order, on a map and in a table."""

from __future__ import annotations

import json
from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from ewaste import dispatch
from ewaste.kernel.clock import CHINA_TIME
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.rendering import render

router = APIRouter(include_in_schema=False)

TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ATTRIBUTION = "© OpenStreetMap contributors"


@router.get("/collectors/{collector_id}/route", name="page_route_sheet")
def route_sheet(
    request: Request,
    collector_id: PathId,
    day: date | None = Query(None),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """The collector's own sheet, or any collector's for staff (404 for anyone else)."""
    sheet = dispatch.route_sheet(
        ctx.session,
        actor=ctx.actor,
        collector_id=collector_id,
        day=day or ctx.now.astimezone(CHINA_TIME).date(),
        now=ctx.now,
    )
    return render(
        request,
        "route_sheet.html",
        ctx=ctx,
        sheet=sheet,
        tiles=TILES,
        attribution=ATTRIBUTION,
        map_data=json.dumps(_map_data(sheet)),
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
