"""`/`: each role's first page after login."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ewaste.identity import Role
from ewaste.web.context import RequestContext
from ewaste.web.pages import collector, household, plant, staff, station
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure
from ewaste.web.pages.rendering import render

router = APIRouter(include_in_schema=False)

HomePage = Callable[[Request, RequestContext, Failure | None], Response]

HOMES: Final[dict[Role, HomePage]] = {
    Role.HOUSEHOLD: household.home,
    Role.COLLECTOR: collector.home,
    Role.STATION: station.home,
    Role.PLANT: plant.home,
    Role.OPERATOR: staff.home,
    Role.REGULATOR: staff.home,
}


@router.get("/", name="home")
def home(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """The logged-in user's page for their role; /login (303) for a visitor."""
    page = HOMES.get(ctx.actor.role)
    if page is None:
        return render(request, "welcome.html", ctx=ctx)
    return page(request, ctx, None)
