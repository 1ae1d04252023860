"""The partner page: operators see the option pool's cap table (and download it as
CSV); a collector or station sees its own standing and grants. Same services as the API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import partners
from ewaste.identity import MissingPermission, Permission
from ewaste.kernel.errors import DomainError
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.i18n import N_
from ewaste.web.pages.rendering import language, render, see_other, translations

router = APIRouter(include_in_schema=False)

STATUSES = {"active": N_("Active"), "lapsed": N_("Lapsed"), "left": N_("Left")}
KINDS = {"monthly": N_("Monthly, by volume"), "discretionary": N_("Granted by the platform")}


def _percent(basis_points: int) -> str:
    return f"{basis_points // 100}.{basis_points % 100:02d} %"


POOL_FIELDS = (
    "total_shares",
    "cap_shares",
    "threshold_kg",
    "qualify_months",
    "monthly_grant_shares",
    "vesting_months",
    "cliff_months",
    "inactive_months",
)
"""The pool form's fields: the pool's size against the equity, then its rules."""


@router.get("/partners", name="page_partners")
def partners_page(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """The cap table for operators; a partner's own grants for collectors and stations."""
    return _page(request, ctx, None)


@router.post("/partners/pool", name="page_configure_pool")
def configure_pool(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Set up the option pool, or change its size and rules (operators; same service as
    the API). A pool above 20 % of the equity, or below what is outstanding, is refused."""
    try:
        number = {name: forms.whole_number(forms.text(form, name)) for name in POOL_FIELDS}
        partners.configure_pool(
            ctx.session,
            actor=ctx.actor,
            total_shares=number["total_shares"],
            cap_shares=number["cap_shares"],
            terms=partners.PoolTerms(
                threshold_grams=number["threshold_kg"] * 1000,
                qualify_months=number["qualify_months"],
                monthly_grant_shares=number["monthly_grant_shares"],
                vesting_months=number["vesting_months"],
                cliff_months=number["cliff_months"],
                inactive_months=number["inactive_months"],
            ),
            now=ctx.now,
        )
    except DomainError as err:
        failure = failed(request, ctx, "pool", err, form)
        if ctx.actor.can(Permission.STAFF_OPTION_READ):
            return _page(request, ctx, failure)
        return error_page(request, ctx, failure)
    return see_other("/partners#cap-table")


def _page(request: Request, ctx: RequestContext, failure: Failure | None) -> Response:
    t = translations(request)
    names = {
        "status": {k: t.gettext(v) for k, v in STATUSES.items()},
        "kind": {k: t.gettext(v) for k, v in KINDS.items()},
    }
    if ctx.actor.can(Permission.STAFF_OPTION_READ):
        try:
            table = partners.cap_table(ctx.session, actor=ctx.actor, locale=language(request))
        except partners.PoolNotConfigured:
            table = None
        return render(
            request,
            "partners.html",
            ctx=ctx,
            status=failure.status if failure else 200,
            failure=failure,
            table=table,
            holding=None,
            staff=True,
            can_configure=ctx.actor.can(Permission.STAFF_OPTION_WRITE),
            terms=table.pool.terms if table else partners.PoolTerms(),
            names=names,
            percent=_percent,
        )
    if not ctx.actor.can(Permission.PARTY_OPTION_READ):
        message = t.gettext("The partner programme is for collectors and stations.")
        return render(request, "error.html", ctx=ctx, status=403, message=message)
    try:
        holding = partners.partner_holding(
            ctx.session,
            actor=ctx.actor,
            organisation_id=ctx.actor.organisation_id,
            locale=language(request),
        )
    except partners.PartnerNotFound:
        holding = None
    return render(
        request,
        "partners.html",
        ctx=ctx,
        table=None,
        holding=holding,
        staff=False,
        names=names,
        percent=_percent,
    )


@router.get("/partners/cap-table.csv", name="page_cap_table_csv")
def cap_table_csv(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """The cap table as CSV (operators); the error page for anyone else."""
    try:
        table = partners.cap_table(ctx.session, actor=ctx.actor)
    except (partners.PoolNotConfigured, MissingPermission):
        message = translations(request).gettext("There is no cap table to download.")
        return render(request, "error.html", ctx=ctx, status=404, message=message)
    return Response(
        partners.cap_table_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cap-table.csv"'},
    )
