"""`/units/{code}`: a unit's custody trace, for whoever may see it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import custody
from ewaste.kernel.errors import DomainError
from ewaste.web.context import RequestContext
from ewaste.web.errors import status_for
from ewaste.web.pages import csrf
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.i18n import translate_error
from ewaste.web.pages.rendering import language, render, see_other, translations

router = APIRouter(include_in_schema=False)


@router.get("/units/{unit_code}", name="unit_trace")
def unit_trace(
    request: Request, unit_code: str, ctx: RequestContext = Depends(page_context)
) -> Response:
    """The ordered chain of custody of a unit (same service as GET /api/units/{code}/trace).

    A unit the user may not see answers 404 exactly like a unit that does not exist.
    """
    try:
        trace = custody.trace_unit(
            ctx.session, actor=ctx.actor, unit_code=unit_code, locale=language(request)
        )
    except DomainError as err:
        ctx.session.rollback()
        return render(
            request,
            "trace.html",
            ctx=ctx,
            status=status_for(err),
            trace=None,
            code=unit_code,
            error=translate_error(err, translations(request)),
        )
    try:
        receipt = custody.receipt_code_of(ctx.session, actor=ctx.actor, unit_code=trace.code)
    except custody.UnitNotFound:
        receipt = None  # only the unit's household (and auditors) may see its receipt code
    return render(
        request,
        "trace.html",
        ctx=ctx,
        trace=trace,
        code=trace.code,
        error=None,
        receipt=receipt,
    )


@router.post("/units/{unit_code}/certificate", name="page_unit_certificate")
def unit_certificate(
    request: Request,
    unit_code: str,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Ask for (or find) the unit's certificate of recycling and open its public page,
    which says it is being issued until the worker has signed it."""
    try:
        certificate = custody.request_recycling_certificate(
            ctx.session, actor=ctx.actor, unit_code=unit_code, now=ctx.now
        )
    except DomainError as err:
        ctx.session.rollback()
        return render(
            request,
            "trace.html",
            ctx=ctx,
            status=status_for(err),
            trace=None,
            code=unit_code,
            error=translate_error(err, translations(request)),
        )
    return see_other(str(request.url_for("public_certificate", certificate_code=certificate.code)))
