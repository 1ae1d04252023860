"""The collector's page: assigned jobs with the door weighing form, and what I carry."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import catalog, custody, dispatch, orders, pricing
from ewaste.custody import UnitStatus
from ewaste.identity import Role
from ewaste.kernel.errors import DomainError
from ewaste.kernel.quantities import Mass
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.rendering import render, see_other

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Job:
    """An assigned pickup with its quote and one scale line per unit to weigh."""

    pickup: orders.PickupView
    quote: pricing.QuoteView | None
    units: tuple[tuple[str, int], ...]
    """(category code, typical grams) for each unit the quote expects, in order."""


def home(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    """Render the collector's page (status from `failure`, 200 without one)."""
    if failure is not None and ctx.actor.role is not Role.COLLECTOR:
        return error_page(request, ctx, failure)
    typical = {c.code: c.typical_mass.grams for c in catalog.categories(ctx.session)}
    assigned = orders.pickups_for(
        ctx.session, actor=ctx.actor, status=orders.PickupStatus.ASSIGNED.value
    )
    jobs = []
    for pickup in sorted(assigned, key=lambda p: (p.window_start, p.id)):
        quote = pricing.quote_by_id(ctx.session, pickup.quote_id)
        units = tuple(
            (item.category_code, item.unit_mass_g or typical.get(item.category_code, 0))
            for item in (quote.items if quote else ())
            for _ in range(item.quantity)
        )
        jobs.append(Job(pickup, quote, units))
    carrying = custody.units_held_by(
        ctx.session, ctx.actor.organisation_id, status=UnitStatus.WITH_COLLECTOR.value
    )
    return render(
        request,
        "collector.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        jobs=jobs,
        offers=dispatch.open_offers(ctx.session, actor=ctx.actor),
        carrying=carrying,
        carrying_grams=sum(u.door_grams for u in carrying),
        code_blocks=custody.code_blocks(ctx.session, actor=ctx.actor),
    )


@router.post("/collector/code-blocks", name="page_reserve_codes")
def reserve_codes(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Reserve a block of unit codes for tagging without signal (same service as the API)."""
    try:
        custody.reserve_unit_codes(
            ctx.session,
            actor=ctx.actor,
            count=forms.whole_number(forms.text(form, "count")),
            now=ctx.now,
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, "code-blocks", err, form))
    return see_other("/#code-blocks")


@router.get("/collector/code-blocks/{block_id}/labels.pdf", name="page_code_labels")
def code_labels(block_id: PathId, ctx: RequestContext = Depends(page_context)) -> Response:
    """The block's QR label sheets as PDF (only for the block's own organisation)."""
    block = custody.code_block(ctx.session, actor=ctx.actor, block_id=block_id)
    return Response(
        custody.label_sheet_pdf(block.codes, block_id=block.id, expires_at=block.expires_at),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="labels-{block.id}.pdf"'},
    )


@router.post("/pickups/{pickup_id}/collect", name="page_collect_pickup")
def collect_pickup(
    request: Request,
    pickup_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Weigh and tag each unit at the door; the household is paid (same service as the API).

    The form carries one category, one weight in kilograms and, optionally, the reserved
    code of a label already stuck on, per unit; weights are read as decimals and turned
    into whole grams. A unit without a code gets a new one.
    """
    try:
        categories = forms.texts(form, "category")
        codes = forms.texts(form, "unit_code")
        units = [
            orders.DoorUnit(
                category,
                Mass(forms.grams_from_kg(kg)),
                code=(codes[index] if index < len(codes) else "") or None,
            )
            for index, (category, kg) in enumerate(
                zip(categories, forms.texts(form, "kg"), strict=False)
            )
        ]
        orders.collect_pickup(
            ctx.session,
            actor=ctx.actor,
            pickup_id=pickup_id,
            units=units,
            now=ctx.now,
            evidence=forms.text(form, "evidence", required=False)[:200],
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"collect-{pickup_id}", err, form))
    return see_other("/#carrying")


@router.post("/offers/{offer_id}/accept", name="page_accept_offer")
def accept_offer(
    request: Request,
    offer_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Take an offered pickup (same service as the API); it joins my jobs."""
    try:
        taken = dispatch.accept_offer(ctx.session, actor=ctx.actor, offer_id=offer_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"offer-{offer_id}", err, form))
    return see_other(f"/#job-{taken.id}")


@router.post("/offers/{offer_id}/decline", name="page_decline_offer")
def decline_offer(
    request: Request,
    offer_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Turn an offer down (same service as the API)."""
    try:
        dispatch.decline_offer(ctx.session, actor=ctx.actor, offer_id=offer_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"offer-{offer_id}", err, form))
    return see_other("/#offers")
