"""The market board page for stations, plants and staff: lots on sale by method (the newest
with their photos), auctions closing soonest, standing bids per category, clearing prices per
category, region and week, and plant capacity utilisation; a plant also sees its own
licences, capacity left this year and its latest assessment."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ewaste import exchange
from ewaste.identity import Role
from ewaste.kernel.errors import DomainError
from ewaste.web.context import RequestContext
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.rendering import render, translations

router = APIRouter(include_in_schema=False)


@router.get("/market", name="page_market")
def market(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """Render the board; households and collectors get the error page (403)."""
    try:
        board = exchange.market_board(
            ctx.session,
            actor=ctx.actor,
            now=ctx.now,
            transport_fen_per_km=ctx.settings.transport_fen_per_km,
        )
    except DomainError:
        message = translations(request).gettext("The market board is for stations and plants.")
        return render(request, "error.html", ctx=ctx, status=403, message=message)
    data = exchange.market_data(ctx.session, actor=ctx.actor, now=ctx.now, weeks=8)
    own = None
    if ctx.actor.role is Role.PLANT:
        plant_id = ctx.actor.organisation_id
        own = {
            "licences": exchange.licences_of(ctx.session, actor=ctx.actor, plant_id=plant_id),
            "capacity": exchange.plant_capacity(
                ctx.session, actor=ctx.actor, plant_id=plant_id, now=ctx.now
            ),
            "assessments": exchange.assessments_of(ctx.session, actor=ctx.actor, plant_id=plant_id)[
                :1
            ],
        }
    return render(request, "market.html", ctx=ctx, board=board, own=own, data=data)
