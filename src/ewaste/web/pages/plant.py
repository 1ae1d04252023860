"""The plant's page: lots to buy, bought lots to receive, units to dismantle."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import compliance, custody, exchange
from ewaste.custody import UnitStatus
from ewaste.exchange import LotStatus
from ewaste.identity import Role
from ewaste.kernel.errors import DomainError
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.rendering import render, see_other

router = APIRouter(include_in_schema=False)

FRACTIONS = tuple(f.value for f in compliance.Fraction)


def home(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    """Render the plant's page (status from `failure`, 200 without one)."""
    if failure is not None and ctx.actor.role is not Role.PLANT:
        return error_page(request, ctx, failure)
    plant_id = ctx.actor.organisation_id
    lots = exchange.lots_for(ctx.session, actor=ctx.actor)
    return render(
        request,
        "plant.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        listed=[lot for lot in lots if lot.status == LotStatus.LISTED],
        bought=[lot for lot in lots if lot.plant_id == plant_id],
        received_units=custody.units_held_by(
            ctx.session, plant_id, status=UnitStatus.AT_PLANT.value
        ),
        fractions=FRACTIONS,
        recent=compliance.recent_for_plant(ctx.session, plant_id, limit=20),
    )


@router.post("/lots/{lot_id}/buy", name="page_buy_lot")
def buy_lot(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Buy a listed lot at its price into escrow (same service as POST /api/lots/{id}/buy)."""
    try:
        exchange.buy_lot(ctx.session, actor=ctx.actor, lot_id=lot_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"buy-{lot_id}", err, form))
    return see_other(f"/#lot-{lot_id}")


@router.post("/lots/{lot_id}/receive", name="page_receive_lot")
def receive_lot(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Receive a shipped lot by scan and weighbridge (same service as the API's receive)."""
    try:
        exchange.receive_lot(
            ctx.session,
            actor=ctx.actor,
            lot_id=lot_id,
            unit_codes=forms.unit_codes(forms.text(form, "unit_codes")),
            load_grams=forms.grams_from_kg(forms.text(form, "load_kg")),
            now=ctx.now,
            tolerance_basis_points=ctx.settings.reception_weight_tolerance_basis_points,
            fee_basis_points=ctx.settings.platform_fee_basis_points,
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"receive-{lot_id}", err, form))
    return see_other(f"/#lot-{lot_id}")


@router.post("/dismantling", name="page_record_dismantling")
def record_dismantling(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Record one unit's dismantling with its fractions in kg (same service as the API)."""
    try:
        fractions = {
            name: forms.grams_from_kg(value, allow_zero=True)
            for name in FRACTIONS
            if (value := forms.text(form, f"fraction_{name}", required=False))
        }
        compliance.record_dismantling(
            ctx.session,
            actor=ctx.actor,
            unit_code=forms.text(form, "unit_code"),
            line=forms.text(form, "line"),
            fractions=fractions,
            now=ctx.now,
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, "dismantle", err, form))
    return see_other("/#dismantled")
