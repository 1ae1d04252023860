"""Money: a party's own balance and statement; staff read ledger entries."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ewaste import ledger
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
    """The caller's organisation's balance and its latest journal lines."""

    organisation_id: int
    available: MoneyOut
    lines: list[LineOut]


@router.get("/accounts/me", response_model=StatementOut)
def my_statement(ctx: RequestContext = Depends(api_context, scope="function")) -> StatementOut:
    """The caller's organisation's available balance and statement."""
    available, lines = ledger.party_statement(ctx.session, actor=ctx.actor)
    return StatementOut(
        organisation_id=ctx.actor.organisation_id,
        available=MoneyOut.of(available),
        lines=[LineOut.of(row) for row in lines],
    )


@router.get("/ledger/entries", response_model=list[LineOut])
def ledger_entries(
    source_prefix: str = Query(min_length=1, max_length=120),
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[LineOut]:
    """Journal lines whose entry source starts with `source_prefix` (operator)."""
    rows = ledger.entries_for_staff(ctx.session, actor=ctx.actor, source_prefix=source_prefix)
    return [LineOut.of(row) for row in rows]
