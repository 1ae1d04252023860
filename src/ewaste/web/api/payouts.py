"""Payouts: a party's bank account and withdrawals; operators' bank batches, result files and
money reports. A withdrawal carries an `Idempotency-Key` header: the same key gives one
payout, however often and however concurrently it is sent (docs/adr/0017)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ewaste import ledger, payouts
from ewaste.web.api.schemas import MoneyIn, MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["money"])
Ctx = Depends(api_context, scope="function")


class BankAccountIn(BaseModel):
    """Where the organisation is paid."""

    model_config = ConfigDict(extra="forbid")

    holder: str = Field(min_length=1, max_length=100)
    bank_name: str = Field(min_length=1, max_length=100)
    account_number: str = Field(min_length=1, max_length=40, examples=["6222 0212 3456 7890"])


class BankAccountOut(BaseModel):
    """A bank account as shown: only the number's last four digits."""

    holder: str
    bank_name: str
    account_number: str = Field(examples=["•••• 7890"])
    updated_at: datetime

    @classmethod
    def of(cls, view: payouts.BankAccountView) -> BankAccountOut:
        """Render a bank account (masked)."""
        return cls(
            holder=view.holder,
            bank_name=view.bank_name,
            account_number=view.masked_number,
            updated_at=view.updated_at,
        )


class PayoutIn(BaseModel):
    """A withdrawal of the available balance to the organisation's bank account."""

    model_config = ConfigDict(extra="forbid")

    amount: MoneyIn


class PayoutOut(BaseModel):
    """A payout and where it is."""

    id: int
    organisation_id: int
    amount: MoneyOut
    status: str
    holder: str
    bank_name: str
    account_number: str
    batch_id: int | None
    bank_reference: str
    failure_reason: str
    source: str
    requested_at: datetime
    settled_at: datetime | None

    @classmethod
    def of(cls, view: payouts.PayoutView) -> PayoutOut:
        """Render a payout (account number masked)."""
        return cls(
            id=view.id,
            organisation_id=view.organisation_id,
            amount=MoneyOut.of(view.amount),
            status=view.status,
            holder=view.holder,
            bank_name=view.bank_name,
            account_number=view.masked_number,
            batch_id=view.batch_id,
            bank_reference=view.bank_reference,
            failure_reason=view.failure_reason,
            source=view.source,
            requested_at=view.requested_at,
            settled_at=view.settled_at,
        )


class BatchOut(BaseModel):
    """A bank batch."""

    id: int
    status: str
    payout_count: int
    total: MoneyOut
    created_at: datetime

    @classmethod
    def of(cls, view: payouts.BatchView) -> BatchOut:
        """Render a batch."""
        return cls(
            id=view.id,
            status=view.status,
            payout_count=view.payout_count,
            total=MoneyOut.of(view.total),
            created_at=view.created_at,
        )


class ResultFileIn(BaseModel):
    """The bank's result file, as text (CSV with the header of `payouts.RESULT_HEADER`)."""

    model_config = ConfigDict(extra="forbid")

    csv: str = Field(min_length=1, max_length=5_000_000)


class ImportOut(BaseModel):
    """What a result file changed."""

    batch: BatchOut
    confirmed: int
    failed: int
    unchanged: int


IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        description="A key the client chooses per withdrawal; resending it never pays twice.",
    ),
]


@router.put("/accounts/me/bank-account", response_model=BankAccountOut)
def save_bank_account(body: BankAccountIn, ctx: RequestContext = Ctx) -> BankAccountOut:
    """Give or replace the caller's organisation's bank account."""
    view = payouts.save_bank_account(
        ctx.session,
        actor=ctx.actor,
        holder=body.holder,
        bank_name=body.bank_name,
        account_number=body.account_number,
        now=ctx.now,
    )
    return BankAccountOut.of(view)


@router.post("/payouts", response_model=PayoutOut, status_code=201)
def request_payout(
    body: PayoutIn, idempotency_key: IdempotencyKey, ctx: RequestContext = Ctx
) -> PayoutOut:
    """Withdraw to the bank account; the same Idempotency-Key answers the same payout."""
    view = payouts.request_payout(
        ctx.session,
        actor=ctx.actor,
        amount=body.amount.to_money(),
        idempotency_key=idempotency_key,
        now=ctx.now,
    )
    return PayoutOut.of(view)


@router.get("/payouts", response_model=list[PayoutOut])
def list_payouts(ctx: RequestContext = Ctx) -> list[PayoutOut]:
    """The caller's organisation's payouts (every payout for operators), newest first."""
    return [PayoutOut.of(v) for v in payouts.payouts_for(ctx.session, actor=ctx.actor)]


@router.get("/payouts/{payout_id}", response_model=PayoutOut)
def get_payout(payout_id: PathId, ctx: RequestContext = Ctx) -> PayoutOut:
    """One payout of the caller's organisation (any, for operators)."""
    return PayoutOut.of(payouts.get_payout(ctx.session, actor=ctx.actor, payout_id=payout_id))


@router.post("/payout-batches", response_model=BatchOut, status_code=201)
def create_batch(ctx: RequestContext = Ctx) -> BatchOut:
    """Gather the requested payouts into a bank batch (operators)."""
    return BatchOut.of(payouts.create_batch(ctx.session, actor=ctx.actor, now=ctx.now))


@router.get("/payout-batches", response_model=list[BatchOut])
def list_batches(ctx: RequestContext = Ctx) -> list[BatchOut]:
    """Bank batches, newest first (operators)."""
    return [BatchOut.of(b) for b in payouts.batches_for(ctx.session, actor=ctx.actor)]


@router.get("/payout-batches/{batch_id}/csv")
def download_batch(batch_id: PathId, ctx: RequestContext = Ctx) -> Response:
    """The bank batch file (operators); the first download marks the batch sent."""
    text = payouts.download_batch(ctx.session, actor=ctx.actor, batch_id=batch_id, now=ctx.now)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="payout-batch-{batch_id}.csv"'},
    )


@router.post("/payout-batches/{batch_id}/results", response_model=ImportOut)
def import_results(batch_id: PathId, body: ResultFileIn, ctx: RequestContext = Ctx) -> ImportOut:
    """Apply the bank's result file: all lines or none; importing it again changes nothing."""
    summary = payouts.import_results(
        ctx.session, actor=ctx.actor, batch_id=batch_id, text=body.csv, now=ctx.now
    )
    return ImportOut(
        batch=BatchOut.of(summary.batch),
        confirmed=summary.confirmed,
        failed=summary.failed,
        unchanged=summary.unchanged,
    )


class MovementOut(BaseModel):
    """One month of an account: what raised and what lowered its balance."""

    month: str
    increases: MoneyOut
    decreases: MoneyOut


class LedgerCheckOut(BaseModel):
    """The whole ledger checked."""

    ok: bool
    entries: int
    lines: int
    debits: MoneyOut
    credits: MoneyOut
    unbalanced_entries: int
    mismatched_balances: list[str]
    forbidden_negatives: list[str]

    @classmethod
    def of(cls, check: ledger.LedgerCheck) -> LedgerCheckOut:
        """Render a ledger check."""
        return cls(
            ok=check.ok,
            entries=check.entries,
            lines=check.lines,
            debits=MoneyOut.of(check.debits),
            credits=MoneyOut.of(check.credits),
            unbalanced_entries=check.unbalanced_entries,
            mismatched_balances=list(check.mismatched_balances),
            forbidden_negatives=list(check.forbidden_negatives),
        )


class GuaranteeOut(BaseModel):
    """The guarantee fund against the escrow it may have to advance."""

    fund: MoneyOut
    paid_in: MoneyOut
    paid_out: MoneyOut
    escrow_held: MoneyOut
    uncovered: MoneyOut


class MoneyReportOut(BaseModel):
    """Platform revenue per month, guarantee exposure and the ledger check."""

    revenue: list[MovementOut]
    revenue_total: MoneyOut
    guarantee: GuaranteeOut
    ledger: LedgerCheckOut


class StatusTotalOut(BaseModel):
    """Payouts of one status."""

    status: str
    count: int
    total: MoneyOut


class ReconciliationOut(BaseModel):
    """The ledger against payouts and bank results; `ok` when nothing disagrees."""

    ok: bool
    by_status: list[StatusTotalOut]
    in_transit_ledger: MoneyOut
    in_transit_payouts: MoneyOut
    missing_entries: list[str]
    unexpected_entries: list[str]
    batches_awaiting_results: list[BatchOut]
    ledger: LedgerCheckOut


@router.get("/reports/money", response_model=MoneyReportOut)
def money_report(ctx: RequestContext = Ctx) -> MoneyReportOut:
    """Platform revenue, guarantee exposure and the ledger check (operators)."""
    report = payouts.money_report(ctx.session, actor=ctx.actor)
    g = report.guarantee
    return MoneyReportOut(
        revenue=[
            MovementOut(
                month=m.month,
                increases=MoneyOut.of(m.increases),
                decreases=MoneyOut.of(m.decreases),
            )
            for m in report.revenue
        ],
        revenue_total=MoneyOut.of(report.revenue_total),
        guarantee=GuaranteeOut(
            fund=MoneyOut.of(g.fund),
            paid_in=MoneyOut.of(g.paid_in),
            paid_out=MoneyOut.of(g.paid_out),
            escrow_held=MoneyOut.of(g.escrow_held),
            uncovered=MoneyOut.of(g.uncovered),
        ),
        ledger=LedgerCheckOut.of(report.ledger),
    )


@router.get("/reports/reconciliation", response_model=ReconciliationOut)
def reconciliation(ctx: RequestContext = Ctx) -> ReconciliationOut:
    """Payouts against their ledger entries and bank results (operators)."""
    r = payouts.reconcile(ctx.session, actor=ctx.actor)
    return ReconciliationOut(
        ok=r.ok,
        by_status=[
            StatusTotalOut(status=s.status, count=s.count, total=MoneyOut.of(s.total))
            for s in r.by_status
        ],
        in_transit_ledger=MoneyOut.of(r.in_transit_ledger),
        in_transit_payouts=MoneyOut.of(r.in_transit_payouts),
        missing_entries=list(r.missing_entries),
        unexpected_entries=list(r.unexpected_entries),
        batches_awaiting_results=[BatchOut.of(b) for b in r.batches_awaiting_results],
        ledger=LedgerCheckOut.of(r.ledger),
    )
