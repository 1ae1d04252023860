"""The operator's and regulator's page: the platform overview; operators also dispatch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import analytics, custody, dispatch, orders
from ewaste.identity import Permission
from ewaste.kernel.clock import CHINA_TIME, china_day
from ewaste.kernel.errors import DomainError
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.rendering import language, render, see_other
from ewaste.worker import worker_status

router = APIRouter(include_in_schema=False)


def home(
    request: Request,
    ctx: RequestContext,
    failure: Failure | None = None,
    city_plan: dispatch.CityPlan | None = None,
) -> Response:
    """Render the overview (status from `failure`, 200 without one).

    Waiting pickups are listed only for roles that may assign them (operators).
    """
    if failure is not None and not ctx.actor.can(Permission.AUDIT_REPORT_READ):
        return error_page(request, ctx, failure)
    overview = analytics.overview_for(ctx.session, actor=ctx.actor)
    may_assign = ctx.actor.can(Permission.STAFF_PICKUP_ASSIGN)
    waiting = (
        orders.pickups_for(ctx.session, actor=ctx.actor, status=orders.PickupStatus.REQUESTED.value)
        if may_assign
        else []
    )
    today = ctx.now.astimezone(CHINA_TIME).date()
    routes = (
        dispatch.route_summaries(
            ctx.session, actor=ctx.actor, day=today, locale=language(request), now=ctx.now
        )
        if may_assign
        else []
    )
    last_plan = (
        dispatch.last_city_plan(ctx.session, actor=ctx.actor, day=today) if may_assign else None
    )
    return render(
        request,
        "staff.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        overview=overview,
        may_assign=may_assign,
        may_write_prices=ctx.actor.can(Permission.STAFF_PRICE_WRITE),
        waiting=sorted(waiting, key=lambda p: (p.window_start, p.id)),
        routes=routes,
        city_plan=city_plan,
        last_plan=last_plan,
        today=today,
        total_units=sum(line.units for line in overview.categories),
        total_grams=sum(line.grams for line in overview.categories),
        custody_log=custody.chain_status(ctx.session),
        worker=worker_status(ctx.session, now=ctx.now),
    )


@router.post("/pickups/{pickup_id}/assign", name="page_assign_pickup")
def assign_pickup(
    request: Request,
    pickup_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Assign a waiting pickup where it costs least in a route (same service as the API)."""
    try:
        dispatch.assign_pickup(ctx.session, actor=ctx.actor, pickup_id=pickup_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"assign-{pickup_id}", err, form))
    return see_other("/#waiting")


@router.post("/pickups/{pickup_id}/offer", name="page_offer_pickup")
def offer_pickup(
    request: Request,
    pickup_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Offer a waiting pickup to the three collectors it suits best (same service as the API)."""
    try:
        dispatch.offer_pickup(ctx.session, actor=ctx.actor, pickup_id=pickup_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"assign-{pickup_id}", err, form))
    return see_other("/#waiting")


@router.post("/routes/plan", name="page_plan_routes")
def plan_routes(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Plan today's routes across every collector (same service as `ewaste pickups
    plan-routes`, searching for EWASTE_CITY_PLAN_SECONDS on one core) and show what moved."""
    try:
        planned = dispatch.plan_routes(
            ctx.session,
            actor=ctx.actor,
            day=china_day(ctx.now),
            now=ctx.now,
            seconds=ctx.settings.city_plan_seconds,
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, "plan-routes", err, form))
    return home(request, ctx, city_plan=planned)
