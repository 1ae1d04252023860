"""Reception discrepancies: the plant and the station see theirs, staff see all, an
operator decides an open one (adjusted price and reason), the plant receives a unit
reported missing that turned up afterwards, and the station that shipped the lot takes
back one that was never loaded — the same services as the API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import exchange
from ewaste.identity import Permission
from ewaste.kernel.errors import DomainError
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, failed
from ewaste.web.pages.rendering import render, see_other

router = APIRouter(include_in_schema=False)


def _page(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    views = exchange.discrepancies_for(ctx.session, actor=ctx.actor)
    open_forms = (
        {f"decide-{v.lot_id}" for v in views if v.status == "open"}
        | {f"found-{v.lot_id}" for v in views if v.status == "decided"}
        | {f"home-{v.lot_id}" for v in views if v.still_missing}
    )
    return render(
        request,
        "discrepancies.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        # A refusal for a lot without an open form here (decided meanwhile, or unknown)
        # is shown at the top of the page rather than nowhere.
        stray=failure if failure and failure.key not in open_forms else None,
        discrepancies=views,
        can_decide=ctx.actor.can(Permission.STAFF_DISCREPANCY_DECIDE),
        may_receive=ctx.actor.can(Permission.PLANT_LOT_RECEIVE),
        may_find_at_station=ctx.actor.can(Permission.STATION_LOT_SHIP),
    )


@router.get("/discrepancies", name="page_discrepancies")
def discrepancies(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """The discrepancies the visitor may see, newest first (an empty list for other roles)."""
    return _page(request, ctx)


@router.post("/discrepancies/{lot_id}/decision", name="page_decide_discrepancy")
def decide(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """An operator's decision (same service as POST /api/lots/{id}/discrepancy/decision)."""
    try:
        exchange.decide_discrepancy(
            ctx.session,
            actor=ctx.actor,
            lot_id=lot_id,
            adjusted_price=forms.yuan(forms.text(form, "adjusted_price")),
            reason=forms.text(form, "reason"),
            now=ctx.now,
            fee_basis_points=ctx.settings.platform_fee_basis_points,
        )
    except DomainError as err:
        return _page(request, ctx, failed(request, ctx, f"decide-{lot_id}", err, form))
    return see_other(f"/discrepancies#lot-{lot_id}")


@router.post("/discrepancies/{lot_id}/found", name="page_receive_found_unit")
def receive_found(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """The plant receives a unit reported missing that turned up afterwards (same service
    as POST /api/lots/{id}/found-units)."""
    try:
        exchange.receive_found_unit(
            ctx.session,
            actor=ctx.actor,
            lot_id=lot_id,
            unit_code=forms.text(form, "unit_code"),
            now=ctx.now,
            fee_basis_points=ctx.settings.platform_fee_basis_points,
        )
    except DomainError as err:
        return _page(request, ctx, failed(request, ctx, f"found-{lot_id}", err, form))
    return see_other(f"/discrepancies#lot-{lot_id}")


@router.post("/discrepancies/{lot_id}/found-at-station", name="page_unit_found_at_station")
def found_at_station(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """The station takes back a unit reported missing that it never loaded (same service
    as POST /api/lots/{id}/found-at-station)."""
    try:
        exchange.unit_found_at_station(
            ctx.session,
            actor=ctx.actor,
            lot_id=lot_id,
            unit_code=forms.text(form, "unit_code"),
            now=ctx.now,
        )
    except DomainError as err:
        return _page(request, ctx, failed(request, ctx, f"home-{lot_id}", err, form))
    return see_other(f"/discrepancies#lot-{lot_id}")
