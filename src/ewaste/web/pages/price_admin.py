"""`/prices/manage`: the operator enters price versions, one by one or from a CSV file.

Only roles granted `staff:price:write` (operators) see the forms; anyone else gets the
refusal the service gives (403). History is append-only: each form adds versions and
the latest 50 are listed below the forms.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import pricing
from ewaste.identity import Permission
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.digits import is_digits
from ewaste.kernel.errors import DomainError
from ewaste.web.context import RequestContext, forget_price_books
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.rendering import render, see_other

router = APIRouter(include_in_schema=False)

HISTORY_LIMIT: Final = 50
KINDS: Final = tuple(kind.value for kind in pricing.PriceKind)


def manage(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    """Render the price forms and history (status from `failure`); 403 for other roles."""
    try:
        ctx.actor.require(Permission.STAFF_PRICE_WRITE)
    except DomainError as err:
        return error_page(request, ctx, failure or failed(request, ctx, "prices", err, FormData()))
    imported = request.query_params.get("imported", "")
    return render(
        request,
        "price_admin.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        kinds=KINDS,
        default_region=ctx.settings.default_region,
        history=pricing.price_history(ctx.session, limit=HISTORY_LIMIT),
        imported=int(imported) if is_digits(imported) else None,
        value_text=value_text,
        today=ctx.now.astimezone(CHINA_TIME).strftime("%Y-%m-%d"),
    )


@router.get("/prices/manage", name="price_admin_page")
def price_admin(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """The operator's price forms and the latest versions."""
    return manage(request, ctx)


@router.post("/prices/manage/version", name="page_record_price")
def record_price(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Append one price version (the same service as POST /api/prices)."""
    try:
        # Refuse other roles before reading the form, as the service would.
        ctx.actor.require(Permission.STAFF_PRICE_WRITE)
        forget_price_books(request, ctx.session)
        view = pricing.record_price_input(
            ctx.session,
            actor=ctx.actor,
            kind=forms.text(form, "kind"),
            key=forms.text(form, "key"),
            region=forms.text(form, "region"),
            value=forms.text(form, "value").replace(",", ""),
            effective_from=forms.china_midnight(forms.text(form, "effective_from")),
            source=forms.text(form, "source"),
            estimate=form.get("estimate") == "yes",
            now=ctx.now,
        )
    except DomainError as err:
        return manage(request, ctx, failed(request, ctx, "version", err, form))
    return see_other(f"/prices/manage#version-{view.id}")


@router.post("/prices/manage/import", name="page_import_prices")
def import_prices(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Append every row of an uploaded CSV, all or nothing (same service as the API)."""
    try:
        ctx.actor.require(Permission.STAFF_PRICE_WRITE)
        forget_price_books(request, ctx.session)
        count = pricing.import_price_csv(
            ctx.session, actor=ctx.actor, text=forms.uploaded_text(form, "file"), now=ctx.now
        )
    except DomainError as err:
        return manage(request, ctx, failed(request, ctx, "import", err, form))
    return see_other(f"/prices/manage?imported={count}#import")


def value_text(view: pricing.PriceInputView) -> str:
    """A version's value as entered: yuan without trailing zeros, or basis points."""
    value = view.yuan.normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return f"{value:f}"
