"""The household's page: open quotes, booking a pickup for one, my pickups and units.

Getting a quote is in `quotes.py`.
"""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import catalog, custody, dispatch, identity, orders, pricing
from ewaste.catalog.specs import CONDITIONS, CONDITIONS_ZH
from ewaste.identity import Role
from ewaste.kernel.errors import DomainError
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms, quote_form
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.rendering import language, render, see_other

router = APIRouter(include_in_schema=False)


def home(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    """Render the household's page (status from `failure`, 200 without one)."""
    if failure is not None and ctx.actor.role is not Role.HOUSEHOLD:
        return error_page(request, ctx, failure)
    household_id = ctx.actor.organisation_id
    org = identity.organisation_row(ctx.session, household_id)
    pickups = orders.pickups_for(ctx.session, actor=ctx.actor)
    # One query for the household's unit codes, one for their source documents,
    # instead of one query per collected pickup.
    codes = [
        code for code, _category, _status in custody.units_of_household(ctx.session, household_id)
    ]
    units_by_source: dict[str, list[custody.UnitRow]] = defaultdict(list)
    for unit in custody.units_by_codes(ctx.session, codes):
        units_by_source[unit.source_ref].append(unit)
    # The deductions a collector proposed at the door, for the household to decide.
    proposed = {
        p.id: [
            a
            for a in orders.adjustments_of(ctx.session, actor=ctx.actor, pickup_id=p.id)
            if a.decision == "pending"
        ]
        for p in pickups
        if p.status == orders.PickupStatus.ADJUSTMENT_PROPOSED.value
    }
    return render(
        request,
        "household.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        categories=quote_form.priceable(catalog.categories(ctx.session)),
        quotes=pricing.open_quotes_of(ctx.session, household_id),
        slots=forms.offered_slots(ctx.now),
        location=org.location if org is not None else None,
        district=org.district if org is not None else "",
        pickups=pickups,
        # The latest booking's address and contact prefill the next one.
        last=pickups[0] if pickups else None,
        units_by_source=units_by_source,
        now=ctx.now,
        proposed=proposed,
        on_the_way=dispatch.on_the_way(ctx.session, pickups),
        expected=dispatch.arrival_estimates(ctx.session, pickups, now=ctx.now),
        proposed_total={pid: sum_money(rows) for pid, rows in proposed.items()},
        conditions=CONDITIONS_ZH if language(request) == "zh_CN" else CONDITIONS,
    )


def sum_money(rows: list[orders.AdjustmentView]) -> Money:
    """The total of proposed deductions."""
    return Money(sum(row.amount.minor for row in rows))


@router.post("/pickups", name="page_book_pickup")
def book_pickup(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Book a pickup for an open quote (the same service as POST /api/pickups)."""
    quote_id = forms.text(form, "quote_id", required=False)
    key = f"book-{quote_id}"
    try:
        start = forms.slot_start(forms.text(form, "slot"))
        pickup = orders.book_pickup(
            ctx.session,
            actor=ctx.actor,
            quote_id=forms.whole_number(quote_id),
            address=forms.text(form, "address"),
            location=GeoPoint(
                forms.coordinate(forms.text(form, "lat")), forms.coordinate(forms.text(form, "lon"))
            ),
            window=orders.TimeWindow(start, start + forms.SLOT_LENGTH),
            contact_name=forms.text(form, "contact_name"),
            contact_phone=forms.text(form, "contact_phone"),
            now=ctx.now,
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, key, err, form))
    return see_other(f"/#pickup-{pickup.id}")


@router.post("/pickups/{pickup_id}/cancel", name="page_cancel_pickup")
def cancel_pickup(
    request: Request,
    pickup_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Cancel a pickup not yet collected, free of charge (same service as the API)."""
    try:
        orders.cancel_pickup(ctx.session, actor=ctx.actor, pickup_id=pickup_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"cancel-{pickup_id}", err, form))
    return see_other(f"/#pickup-{pickup_id}")


@router.post("/pickups/{pickup_id}/adjustments/accept", name="page_accept_adjustments")
def accept_adjustments(
    request: Request,
    pickup_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Accept the deductions proposed at the door; the collector collects at the lower price."""
    return _decide(request, ctx, pickup_id, form, accept=True)


@router.post("/pickups/{pickup_id}/adjustments/decline", name="page_decline_adjustments")
def decline_adjustments(
    request: Request,
    pickup_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Decline the deductions proposed at the door: the pickup is cancelled free."""
    return _decide(request, ctx, pickup_id, form, accept=False)


def _decide(
    request: Request, ctx: RequestContext, pickup_id: int, form: FormData, *, accept: bool
) -> Response:
    try:
        orders.decide_adjustments(
            ctx.session, actor=ctx.actor, pickup_id=pickup_id, accept=accept, now=ctx.now
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"decide-{pickup_id}", err, form))
    return see_other(f"/#pickup-{pickup_id}")
