"""The reports page: for regulators and operators the volumes by category, province,
month, channel and plant (with CSV and JSON links) and the flagged dismantling records,
which a regulator reviews here; for a producer its take-back figures. Same services as
the API (docs/adr/0019)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import analytics, compliance
from ewaste.analytics.rules import china_month
from ewaste.identity import Permission
from ewaste.kernel.errors import DomainError
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, failed
from ewaste.web.pages.rendering import language, render, see_other, translations

router = APIRouter(include_in_schema=False)


def _page(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    last = request.query_params.get("last") or china_month(ctx.now)
    first = request.query_params.get("first") or f"{last[:4]}-01"
    basis = request.query_params.get("basis") or "dismantled"
    params = {"first": first, "last": last, "basis": basis}
    if ctx.actor.can(Permission.AUDIT_REPORT_READ):
        try:
            volumes = analytics.volume_report(
                ctx.session,
                actor=ctx.actor,
                basis=basis,
                first_month=first,
                last_month=last,
                group_by=["category", "province", "month", "plant"],
                locale=language(request),
            )
        except DomainError as err:
            failure = failed(request, ctx, "volumes", err, request.query_params)
            volumes = None
        return render(
            request,
            "reports.html",
            ctx=ctx,
            status=failure.status if failure else 200,
            failure=failure,
            params=params,
            volumes=volumes,
            checks=compliance.list_checks(ctx.session, actor=ctx.actor),
            can_review=ctx.actor.can(Permission.AUDIT_CLAIM_DECIDE),
            take_back=None,
        )
    if ctx.actor.can(Permission.PRODUCER_REPORT_READ):
        try:
            take_back = analytics.take_back_report(
                ctx.session,
                actor=ctx.actor,
                producer_id=ctx.actor.organisation_id,
                first_month=first,
                last_month=last,
            )
        except DomainError as err:
            failure = failed(request, ctx, "volumes", err, request.query_params)
            take_back = None
        return render(
            request,
            "reports.html",
            ctx=ctx,
            status=failure.status if failure else 200,
            failure=failure,
            params=params,
            volumes=None,
            checks=(),
            can_review=False,
            take_back=take_back,
        )
    message = translations(request).gettext("Reports are for regulators, operators and producers.")
    return render(request, "error.html", ctx=ctx, status=403, message=message)


@router.get("/reports", name="page_reports")
def reports(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """Volumes and flagged records (auditors) or take-back figures (a producer)."""
    return _page(request, ctx)


@router.post("/reports/checks/{unit_code}/review", name="page_review_check")
def review(
    request: Request,
    unit_code: str,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """A regulator clears or upholds a flagged record (same service as the API)."""
    try:
        compliance.review_check(
            ctx.session,
            actor=ctx.actor,
            unit_code=unit_code,
            clear=forms.text(form, "decision") == "clear",
            note=forms.text(form, "note"),
            now=ctx.now,
        )
    except DomainError as err:
        return _page(request, ctx, failed(request, ctx, f"review-{unit_code}", err, form))
    return see_other("/reports#checks")
