"""The partner page: operators see the option pool's cap table (and download it as
CSV); a collector or station sees its own standing and grants. Same services as the API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ewaste import partners
from ewaste.identity import MissingPermission, Permission
from ewaste.web.context import RequestContext
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.i18n import N_
from ewaste.web.pages.rendering import render, translations

router = APIRouter(include_in_schema=False)

STATUSES = {"active": N_("Active"), "lapsed": N_("Lapsed"), "left": N_("Left")}
KINDS = {"monthly": N_("Monthly, by volume"), "discretionary": N_("Granted by the platform")}


def _percent(basis_points: int) -> str:
    return f"{basis_points // 100}.{basis_points % 100:02d} %"


@router.get("/partners", name="page_partners")
def partners_page(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """The cap table for operators; a partner's own grants for collectors and stations."""
    t = translations(request)
    names = {
        "status": {k: t.gettext(v) for k, v in STATUSES.items()},
        "kind": {k: t.gettext(v) for k, v in KINDS.items()},
    }
    if ctx.actor.can(Permission.STAFF_OPTION_READ):
        try:
            table = partners.cap_table(ctx.session, actor=ctx.actor)
        except partners.PoolNotConfigured:
            table = None
        return render(
            request,
            "partners.html",
            ctx=ctx,
            table=table,
            holding=None,
            staff=True,
            names=names,
            percent=_percent,
        )
    if not ctx.actor.can(Permission.PARTY_OPTION_READ):
        message = t.gettext("The partner programme is for collectors and stations.")
        return render(request, "error.html", ctx=ctx, status=403, message=message)
    try:
        holding = partners.partner_holding(
            ctx.session, actor=ctx.actor, organisation_id=ctx.actor.organisation_id
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
