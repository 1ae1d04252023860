"""`/money`: a party's balances, statement, bank account, withdrawals and payouts; for
operators, the payouts waiting, bank batches (create, download, import the bank's result
file), platform revenue, guarantee exposure, the ledger check and the reconciliation.

Same services as the API. The withdrawal form carries a fresh idempotency key, made when
the form is rendered, so a double submit (or a resent post) pays once (docs/adr/0017).
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Final

from babel.support import Translations
from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import identity, ledger, payouts, settlement
from ewaste.identity import Permission
from ewaste.kernel.digits import is_digits
from ewaste.kernel.errors import DomainError
from ewaste.kernel.money import Money
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.credit import terms_text
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.i18n import N_
from ewaste.web.pages.journal_text import entry_description
from ewaste.web.pages.rendering import language, render, see_other, translations

router = APIRouter(include_in_schema=False)

KEY_PREFIX: Final = "web-"

PAYOUT_STATUSES: Final = {
    "requested": N_("Waiting for a bank batch"),
    "batched": N_("In a bank batch"),
    "paid": N_("Paid"),
    "failed": N_("Failed, money returned"),
}
BATCH_STATUSES: Final = {
    "created": N_("Created, not downloaded"),
    "sent": N_("Downloaded, waiting for the bank's results"),
    "settled": N_("Settled"),
}
ACCOUNT_KINDS: Final = {
    "available": N_("Available"),
    "pending": N_("Pending"),
    "escrow": N_("Escrow"),
}
SIDES: Final = {"debit": N_("Debit"), "credit": N_("Credit")}
SOURCES: Final = {"withdrawal": N_("Withdrawal"), "door": N_("Door payment")}


def new_key() -> str:
    """A fresh idempotency key for one rendering of the withdrawal form."""
    return f"{KEY_PREFIX}{uuid.uuid4()}"


def _names(t: Translations) -> dict[str, dict[str, str]]:
    groups = {
        "payout": PAYOUT_STATUSES,
        "batch": BATCH_STATUSES,
        "account": ACCOUNT_KINDS,
        "side": SIDES,
        "source": SOURCES,
    }
    return {group: {k: t.gettext(v) for k, v in items.items()} for group, items in groups.items()}


def account_kind(account: str) -> str:
    """The kind part of a party account's name (`org:7:available` → `available`)."""
    return account.rsplit(":", 1)[-1]


def party_page(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    """The party's money page (status from `failure`)."""
    statement = payouts.statement_for(ctx.session, actor=ctx.actor)
    kinds = ledger.AccountKind
    return render(
        request,
        "money.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        available=statement.balances[kinds.PARTY_AVAILABLE],
        pending=statement.balances[kinds.PARTY_PENDING],
        escrow=statement.balances[kinds.PARTY_ESCROW],
        bank_account=statement.bank_account,
        payouts=statement.payouts,
        lines=statement.lines,
        names=_names(translations(request)),
        account_kind=account_kind,
        describe=partial(entry_description, translations=translations(request)),
        idempotency_key=new_key(),
        **_settlement(request, ctx),
    )


def _settlement(request: Request, ctx: RequestContext) -> dict[str, object]:
    """The settlement-by-tier section (`_settlement.html`) for collectors and stations, the
    parties whose sales are settled by tier; nothing for the others."""
    if ctx.actor.role not in (identity.Role.COLLECTOR, identity.Role.STATION):
        return {"settlement": None}
    view = settlement.settlement_for(ctx.session, actor=ctx.actor, now=ctx.now)
    t = translations(request)
    return {
        "settlement": view,
        "settlement_terms": terms_text(view.terms, t, language(request), role=ctx.actor.role.value),
    }


def operator_page(
    request: Request, ctx: RequestContext, failure: Failure | None = None
) -> Response:
    """The operator's money page (status from `failure`)."""
    waiting = payouts.payouts_for(ctx.session, actor=ctx.actor, status="requested")
    batches = payouts.batches_for(ctx.session, actor=ctx.actor)
    report = payouts.money_report(ctx.session, actor=ctx.actor)
    reconciliation = payouts.reconcile(ctx.session, actor=ctx.actor)
    labels = identity.organisation_labels(
        ctx.session, [p.organisation_id for p in waiting], locale=language(request)
    )
    query = request.query_params
    imported = {k: query[k] for k in ("batch", "confirmed", "failed", "unchanged") if k in query}
    return render(
        request,
        "money_admin.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        waiting=waiting,
        waiting_total=sum((p.amount for p in waiting), Money.zero()),
        batches=batches,
        report=report,
        reconciliation=reconciliation,
        payees={oid: name for oid, (_role, name) in labels.items()},
        names=_names(translations(request)),
        imported=imported if all(is_digits(v) for v in imported.values()) else {},
        result_header=",".join(payouts.RESULT_HEADER),
    )


def _page(request: Request, ctx: RequestContext, failure: Failure | None) -> Response:
    if ctx.actor.can(Permission.STAFF_PAYOUT_MANAGE):
        return operator_page(request, ctx, failure)
    if ctx.actor.can(Permission.PARTY_PAYOUT_REQUEST):
        return party_page(request, ctx, failure)
    message = translations(request).gettext("Money pages are for parties and operators.")
    return render(request, "error.html", ctx=ctx, status=403, message=message)


@router.get("/money", name="page_money")
def money_page(request: Request, ctx: RequestContext = Depends(page_context)) -> Response:
    """A party's balances and payouts; the payouts desk and money reports for operators."""
    return _page(request, ctx, None)


@router.post("/money/bank-account", name="page_save_bank_account")
def save_bank_account(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Give or replace the organisation's bank account (same service as the API)."""
    try:
        ctx.actor.require(Permission.PARTY_PAYOUT_REQUEST)
        payouts.save_bank_account(
            ctx.session,
            actor=ctx.actor,
            holder=forms.text(form, "holder"),
            bank_name=forms.text(form, "bank_name"),
            account_number=forms.text(form, "account_number"),
            now=ctx.now,
        )
    except DomainError as err:
        return _refused(request, ctx, failed(request, ctx, "bank", err, form))
    return see_other("/money#bank")


@router.post("/money/withdraw", name="page_withdraw")
def withdraw(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Withdraw to the bank account; the form's key makes a resent post answer one payout."""
    try:
        ctx.actor.require(Permission.PARTY_PAYOUT_REQUEST)
        view = payouts.request_payout(
            ctx.session,
            actor=ctx.actor,
            amount=forms.yuan(forms.text(form, "amount")),
            idempotency_key=forms.text(form, "idempotency_key"),
            now=ctx.now,
        )
    except DomainError as err:
        return _refused(request, ctx, failed(request, ctx, "withdraw", err, form))
    return see_other(f"/money#payout-{view.id}")


@router.post("/money/batches", name="page_create_batch")
def create_batch(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Gather the requested payouts into a bank batch (operators)."""
    try:
        view = payouts.create_batch(ctx.session, actor=ctx.actor, now=ctx.now)
    except DomainError as err:
        return _refused(request, ctx, failed(request, ctx, "batch", err, form))
    return see_other(f"/money#batch-{view.id}")


@router.get("/money/batches/{batch_id}/batch.csv", name="page_download_batch")
def download_batch(
    request: Request, batch_id: PathId, ctx: RequestContext = Depends(page_context)
) -> Response:
    """The bank batch file (operators); the first download marks the batch sent."""
    try:
        text = payouts.download_batch(ctx.session, actor=ctx.actor, batch_id=batch_id, now=ctx.now)
    except DomainError as err:
        return error_page(request, ctx, failed(request, ctx, "download", err, FormData()))
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="payout-batch-{batch_id}.csv"'},
    )


@router.post("/money/batches/{batch_id}/results", name="page_import_results")
def import_results(
    request: Request,
    batch_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Apply the bank's uploaded result file to a batch: every line or none (operators)."""
    try:
        ctx.actor.require(Permission.STAFF_PAYOUT_MANAGE)
        summary = payouts.import_results(
            ctx.session,
            actor=ctx.actor,
            batch_id=batch_id,
            text=forms.uploaded_text(form, "file"),
            now=ctx.now,
        )
    except DomainError as err:
        return _refused(request, ctx, failed(request, ctx, f"results-{batch_id}", err, form))
    return see_other(
        f"/money?batch={batch_id}&confirmed={summary.confirmed}&failed={summary.failed}"
        f"&unchanged={summary.unchanged}#batch-{batch_id}"
    )


def _refused(request: Request, ctx: RequestContext, failure: Failure) -> Response:
    """The actor's money page with the refusal beside its form; a role without a money page
    (or a form its page does not offer) gets the message alone."""
    operator = ctx.actor.can(Permission.STAFF_PAYOUT_MANAGE)
    party_form = failure.key in {"bank", "withdraw"}
    if operator and not party_form:
        return operator_page(request, ctx, failure)
    if not operator and party_form and ctx.actor.can(Permission.PARTY_PAYOUT_REQUEST):
        return party_page(request, ctx, failure)
    return error_page(request, ctx, failure)
