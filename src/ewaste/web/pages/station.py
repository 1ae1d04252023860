"""The station's page: inventory by category, receiving deliveries, building and shipping lots."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import custody, exchange
from ewaste.custody import UnitStatus
from ewaste.identity import Role
from ewaste.kernel.errors import DomainError
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.rendering import render, see_other

router = APIRouter(include_in_schema=False)

_UNSHIPPED = frozenset({exchange.LotStatus.LISTED.value, exchange.LotStatus.SOLD.value})


@dataclass(frozen=True, slots=True)
class Stock:
    """The units of one category at the station."""

    category_code: str
    units: tuple[custody.UnitRow, ...]

    @property
    def grams(self) -> int:
        """Door mass of these units, in grams."""
        return sum(u.door_grams for u in self.units)


def home(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    """Render the station's page (status from `failure`, 200 without one)."""
    if failure is not None and ctx.actor.role is not Role.STATION:
        return error_page(request, ctx, failure)
    held = custody.units_held_by(
        ctx.session, ctx.actor.organisation_id, status=UnitStatus.AT_STATION.value
    )
    by_category: dict[str, list[custody.UnitRow]] = {}
    for unit in held:
        by_category.setdefault(unit.category_code, []).append(unit)
    lots = exchange.lots_for(ctx.session, actor=ctx.actor)
    # Units of a listed or sold lot stay at the station until shipped; mark them.
    in_lots = {code for lot in lots if lot.status in _UNSHIPPED for code in lot.unit_codes}
    return render(
        request,
        "station.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        stock=[Stock(code, tuple(units)) for code, units in sorted(by_category.items())],
        held_count=len(held),
        held_grams=sum(u.door_grams for u in held),
        in_lots=in_lots,
        lots=lots,
    )


@router.post("/station/receipts", name="page_receive_units")
def receive_units(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Scan a collector's units in; the collector is paid (same service as the API)."""
    try:
        exchange.receive_at_station(
            ctx.session,
            actor=ctx.actor,
            collector_id=forms.whole_number(forms.text(form, "collector_id")),
            unit_codes=forms.unit_codes(forms.text(form, "unit_codes")),
            now=ctx.now,
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, "receive", err, form))
    return see_other("/#inventory")


@router.post("/lots", name="page_create_lot")
def create_lot(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """List units of one category as a fixed-price lot (same service as POST /api/lots)."""
    try:
        lot = exchange.create_lot(
            ctx.session,
            actor=ctx.actor,
            unit_codes=forms.unit_codes(forms.text(form, "unit_codes")),
            price=forms.yuan(forms.text(form, "price")),
            now=ctx.now,
            photos=forms.text(form, "photos", required=False).split(),
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, "lot", err, form))
    return see_other(f"/#lot-{lot.id}")


@router.post("/lots/{lot_id}/ship", name="page_ship_lot")
def ship_lot(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Ship a sold lot to its buyer (same service as POST /api/lots/{id}/ship)."""
    try:
        exchange.ship_lot(ctx.session, actor=ctx.actor, lot_id=lot_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"ship-{lot_id}", err, form))
    return see_other(f"/#lot-{lot_id}")
