"""`/units/{code}`: a unit's custody trace, for whoever may see it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ewaste import custody
from ewaste.kernel.errors import DomainError
from ewaste.web.context import RequestContext
from ewaste.web.errors import status_for
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.i18n import translate_error
from ewaste.web.pages.rendering import render, translations

router = APIRouter(include_in_schema=False)


@router.get("/units/{unit_code}", name="unit_trace")
def unit_trace(
    request: Request, unit_code: str, ctx: RequestContext = Depends(page_context)
) -> Response:
    """The ordered chain of custody of a unit (same service as GET /api/units/{code}/trace).

    A unit the user may not see answers 404 exactly like a unit that does not exist.
    """
    try:
        trace = custody.trace_unit(ctx.session, actor=ctx.actor, unit_code=unit_code)
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
    return render(request, "trace.html", ctx=ctx, trace=trace, code=trace.code, error=None)
