"""The credit page: a collector or station sees its score factor by factor, the
settlement terms it earns and its weekly history; operators see every party's latest
score and each one in detail. Same services as the API."""

from __future__ import annotations

from dataclasses import dataclass

from babel.support import Translations
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ewaste import credit, identity
from ewaste.identity import Permission, Role
from ewaste.kernel.money import format_money
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.i18n import N_
from ewaste.web.pages.rendering import kg_text, language, render, translations

router = APIRouter(include_in_schema=False)

FACTORS = {
    "base": N_("Starting points"),
    "volume": N_("Volume"),
    "months_active": N_("Months active"),
    "on_time": N_("On time"),
    "weight_accuracy": N_("Weight accuracy"),
    "disputes": N_("Disputes lost"),
    "cancellations": N_("Cancellations"),
}
DETAILS = {
    "base": N_("Every collector and station starts here."),
    "volume": N_("%(kg)s taken into your custody (full marks at %(full)s)"),
    "months_active": N_("%(good)s whole months since your first unit (full marks at 12)"),
    "on_time": N_("%(good)s on time, %(bad)s late"),
    "weight_accuracy": N_("%(good)s loads within 3%% at the plant's weighbridge, %(bad)s outside"),
    "disputes": N_("%(bad)s disputes lost, %(good)s receptions without one"),
    "cancellations": N_("%(bad)s cancelled, %(good)s completed"),
}
TIER_NAMES = {"top": N_("Top"), "middle": N_("Middle"), "new": N_("New or low")}
TIERS = {
    "top": N_("Top tier: paid at award, the platform guarantees the advance up to %(limit)s"),
    "middle": N_("Middle tier: paid when the plant receives the lot"),
    "new": N_("New or low score: paid %(days)s days after the plant receives the lot"),
}
"""A station's terms: it sells lots to plants."""

COLLECTOR_TIERS = {
    "top": N_("Top tier: paid as soon as the station receives your units"),
    "middle": N_("Middle tier: paid as soon as the station receives your units"),
    "new": N_("New or low score: paid %(days)s days after the station receives your units"),
}
"""A collector's terms: it sells units to stations, and the receipt is also the reception
(ADR 0020), so there is nothing to advance."""


@dataclass(frozen=True, slots=True)
class FactorLine:
    """One row of the explanation: the factor, what it read, its points and weight."""

    factor: str
    label: str
    detail: str
    points: int
    weight: int


def explain(view: credit.ScoreView, t: Translations) -> list[FactorLine]:
    """The score's contributions as translated rows."""
    full = credit.rules.FULL_VOLUME_GRAMS[view.role]
    lines = []
    for c in view.contributions:
        values = {"good": c.good, "bad": c.bad, "kg": kg_text(c.good), "full": kg_text(full)}
        lines.append(
            FactorLine(
                factor=c.factor.value,
                label=t.gettext(FACTORS[c.factor.value]),
                detail=t.gettext(DETAILS[c.factor.value]) % values,
                points=c.points,
                weight=c.weight,
            )
        )
    return lines


def terms_text(terms: credit.SettlementTerms, t: Translations, lang: str, *, role: str) -> str:
    """The tier's settlement terms in one sentence, for a party of `role`."""
    texts = COLLECTOR_TIERS if role == Role.COLLECTOR.value else TIERS
    return t.gettext(texts[terms.tier.value]) % {
        "limit": format_money(terms.advance_limit, lang),
        "days": terms.holding.days,
    }


def tier_names(t: Translations) -> dict[str, str]:
    """The tiers' names in the visitor's language."""
    return {k: t.gettext(v) for k, v in TIER_NAMES.items()}


def _detail(request: Request, ctx: RequestContext, organisation_id: int) -> Response:
    t = translations(request)
    lang = language(request)
    try:
        view = credit.credit_score(ctx.session, actor=ctx.actor, organisation_id=organisation_id)
        history = credit.credit_history(
            ctx.session, actor=ctx.actor, organisation_id=organisation_id
        )
    except credit.ScoreNotFound:
        if ctx.actor.organisation_id != organisation_id:
            message = t.gettext("No credit score to show.")
            return render(request, "error.html", ctx=ctx, status=404, message=message)
        terms = credit.terms_for(None)
        return render(
            request,
            "credit.html",
            ctx=ctx,
            view=None,
            terms=terms_text(terms, t, lang, role=ctx.actor.role.value),
            tier_names=tier_names(t),
        )
    return render(
        request,
        "credit.html",
        ctx=ctx,
        view=view,
        lines=explain(view, t),
        terms=terms_text(view.terms, t, lang, role=view.role),
        history=history,
        tier_names=tier_names(t),
    )


@router.get("/credit", name="page_credit")
def credit_page(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """A collector's or station's own score; the list of every score for operators."""
    if ctx.actor.can(Permission.STAFF_CREDIT_READ):
        scores = credit.credit_scores(ctx.session, actor=ctx.actor)
        t = translations(request)
        labels = identity.organisation_labels(
            ctx.session, [v.organisation_id for v in scores], locale=language(request)
        )
        return render(
            request,
            "credit_staff.html",
            ctx=ctx,
            scores=scores,
            names={oid: name for oid, (_role, name) in labels.items()},
            tier_names=tier_names(t),
        )
    if not ctx.actor.can(Permission.PARTY_CREDIT_READ):
        message = translations(request).gettext("Credit scores are for collectors and stations.")
        return render(request, "error.html", ctx=ctx, status=403, message=message)
    return _detail(request, ctx, ctx.actor.organisation_id)


@router.get("/credit/{organisation_id}", name="page_credit_party")
def credit_party_page(
    request: Request, organisation_id: PathId, ctx: RequestContext = Depends(page_context)
) -> Response:
    """One party's score (operators, or the party itself); 404 for anyone else's."""
    return _detail(request, ctx, organisation_id)
