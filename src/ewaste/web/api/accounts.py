"""Money: a party's own balance and statement; staff read ledger entries."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ewaste import ledger, payouts
from ewaste.web.api.payouts import BankAccountOut, PayoutOut
from ewaste.web.api.schemas import MoneyOut
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["money"])


class LineOut(BaseModel):
    """One journal line."""

    entry_id: int
    idempotency_key: str
    occurred_at: datetime
    description: str
    source: str
    account: str
    side: str
    amount: MoneyOut

    @classmethod
    def of(cls, row: ledger.EntryLineRow) -> LineOut:
        """Render a journal line."""
        return cls(
            entry_id=row.entry_id,
            idempotency_key=row.idempotency_key,
            occurred_at=row.occurred_at,
            description=row.description,
            source=row.source,
            account=row.account,
            side=row.side,
            amount=MoneyOut.of(row.amount),
        )


class StatementOut(BaseModel):
    """The caller's organisation's balances, bank account, payouts and latest journal lines."""

    organisation_id: int
    available: MoneyOut
    """What the organisation may spend or withdraw."""
    pending: MoneyOut
    """Earned, not released yet."""
    escrow: MoneyOut
    """Paid by the organisation, held until its delivery is confirmed."""
    bank_account: BankAccountOut | None
    payouts: list[PayoutOut]
    lines: list[LineOut]


@router.get("/accounts/me", response_model=StatementOut)
def my_statement(ctx: RequestContext = Depends(api_context, scope="function")) -> StatementOut:
    """The caller's organisation's balances and statement."""
    statement = payouts.statement_for(ctx.session, actor=ctx.actor)
    kinds = ledger.AccountKind
    return StatementOut(
        organisation_id=statement.organisation_id,
        available=MoneyOut.of(statement.balances[kinds.PARTY_AVAILABLE]),
        pending=MoneyOut.of(statement.balances[kinds.PARTY_PENDING]),
        escrow=MoneyOut.of(statement.balances[kinds.PARTY_ESCROW]),
        bank_account=None
        if statement.bank_account is None
        else BankAccountOut.of(statement.bank_account),
        payouts=[PayoutOut.of(p) for p in statement.payouts],
        lines=[LineOut.of(row) for row in statement.lines],
    )


@router.get("/ledger/entries", response_model=list[LineOut])
def ledger_entries(
    source_prefix: str = Query(min_length=1, max_length=120),
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[LineOut]:
    """Journal lines whose entry source starts with `source_prefix` (operator)."""
    rows = ledger.entries_for_staff(ctx.session, actor=ctx.actor, source_prefix=source_prefix)
    return [LineOut.of(row) for row in rows]
