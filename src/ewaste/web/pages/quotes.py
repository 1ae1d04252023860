"""Getting a quote in two steps, and "why this price": how any quote was built.

Step one (on the household's page) sends the chosen categories and quantities to
`GET /quotes/new`, which asks what each item is like; that form posts to `/quotes`
(the same service as POST /api/quotes). `GET /quotes/{id}` shows a quote's
breakdown with the price versions it used, to its household and to staff.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import catalog, pricing
from ewaste.identity import Role
from ewaste.kernel.errors import DomainError
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.errors import status_for
from ewaste.web.pages import csrf, quote_form
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.i18n import translate_error
from ewaste.web.pages.rendering import language, render, see_other, translations

router = APIRouter(include_in_schema=False)


@router.get("/quotes/new", name="page_describe_items")
def describe_items(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """Step two: the attributes, state and conditions of the items chosen in step one."""
    values = quote_form.values_of(request.query_params.multi_items())
    try:
        quote_form.check_chosen(values)
    except DomainError as err:
        return _form(request, ctx, values, failed(request, ctx, "quote", err, request.query_params))
    return _form(request, ctx, values, None)


@router.post("/quotes", name="page_create_quote")
def create_quote(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Price the described items and go to the quote on the household's page (303).

    A refusal (a size out of range, a missing answer, …) shows the form again with
    what was typed and the message; nothing is stored.
    """
    values = quote_form.values_of(form.multi_items())
    try:
        quote = pricing.create_quote(
            ctx.session,
            actor=ctx.actor,
            items=quote_form.items(values),
            now=ctx.now,
            valid_for=timedelta(minutes=ctx.settings.quote_valid_minutes),
            region=ctx.settings.default_region,
            cache=request.app.state.price_books,
        )
    except DomainError as err:
        return _form(request, ctx, values, failed(request, ctx, "quote", err, form))
    return see_other(f"/#quote-{quote.id}")


@router.get("/quotes/{quote_id}", name="page_quote")
def why_this_price(
    request: Request, quote_id: PathId, ctx: RequestContext = Depends(page_context)
) -> Response:
    """How a quote was built, with the price versions it used (its household, or staff).

    Anyone else's quote answers 404 exactly like a quote that does not exist.
    """
    try:
        quote = pricing.get_quote(ctx.session, actor=ctx.actor, quote_id=quote_id)
    except DomainError as err:
        ctx.session.rollback()
        message = translate_error(err, translations(request))
        return render(
            request,
            "quote.html",
            ctx=ctx,
            status=status_for(err),
            quote=None,
            quote_id=quote_id,
            error=message,
        )
    versions = pricing.price_versions(ctx.session, quote.input_ids)
    return render(
        request,
        "quote.html",
        ctx=ctx,
        quote=quote,
        quote_id=quote.id,
        versions=versions,
        error=None,
    )


def _form(
    request: Request,
    ctx: RequestContext,
    values: quote_form.Values,
    failure: Failure | None,
) -> Response:
    if failure is not None and ctx.actor.role is not Role.HOUSEHOLD:
        return error_page(request, ctx, failure)
    categories = quote_form.priceable(catalog.categories(ctx.session))
    names = {c.code: c.name(language(request)) for c in categories}
    return render(
        request,
        "quote_form.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        rows=quote_form.rows(values, lang=language(request), names=names),
        categories=categories,
        chosen=quote_form.chosen(values),
    )
