"""Read models of payouts, bank batches and bank accounts, and the payout reconciliation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste.kernel.money import Money
from ewaste.payouts.models import BankAccount, Payout, PayoutBatch
from ewaste.payouts.rules import PayoutStatus, mask_account_number


@dataclass(frozen=True, slots=True)
class BankAccountView:
    """An organisation's bank account as shown: the number masked."""

    organisation_id: int
    holder: str
    bank_name: str
    masked_number: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PayoutView:
    """A payout as shown to its party and to operators (the account number masked)."""

    id: int
    organisation_id: int
    amount: Money
    status: str
    holder: str
    bank_name: str
    masked_number: str
    batch_id: int | None
    bank_reference: str
    failure_reason: str
    source: str
    requested_at: datetime
    settled_at: datetime | None


@dataclass(frozen=True, slots=True)
class BatchView:
    """A bank batch: how many payouts, how much, where it is."""

    id: int
    status: str
    payout_count: int
    total: Money
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StatusTotal:
    """Payouts of one status: how many and how much."""

    status: str
    count: int
    total: Money


def bank_account_view(account: BankAccount) -> BankAccountView:
    """The view of a bank account row."""
    return BankAccountView(
        account.organisation_id,
        account.holder,
        account.bank_name,
        mask_account_number(account.account_number),
        account.updated_at,
    )


def payout_view(payout: Payout) -> PayoutView:
    """The view of a payout row."""
    return PayoutView(
        id=payout.id,
        organisation_id=payout.organisation_id,
        amount=Money(payout.amount_fen),
        status=payout.status,
        holder=payout.holder,
        bank_name=payout.bank_name,
        masked_number=mask_account_number(payout.account_number),
        batch_id=payout.batch_id,
        bank_reference=payout.bank_reference,
        failure_reason=payout.failure_reason,
        source=payout.source,
        requested_at=payout.requested_at,
        settled_at=payout.settled_at,
    )


def batch_view(batch: PayoutBatch) -> BatchView:
    """The view of a batch row."""
    return BatchView(
        batch.id, batch.status, batch.payout_count, Money(batch.total_fen), batch.created_at
    )


def totals_by_status(session: Session) -> list[StatusTotal]:
    """Count and sum of payouts per status, in the order of the state table."""
    stmt = select(Payout.status, func.count(), func.coalesce(func.sum(Payout.amount_fen), 0))
    found = {
        status: (int(n), int(total))
        for status, n, total in session.execute(stmt.group_by(Payout.status))
    }
    return [
        StatusTotal(s.value, found.get(s.value, (0, 0))[0], Money(found.get(s.value, (0, 0))[1]))
        for s in PayoutStatus
    ]


def payout_states(session: Session) -> Sequence[tuple[int, str, int]]:
    """(id, status, amount fen) of every payout, by id: what reconciliation compares."""
    stmt = select(Payout.id, Payout.status, Payout.amount_fen).order_by(Payout.id)
    return [(int(i), str(s), int(a)) for i, s, a in session.execute(stmt)]


def batches_without_results(session: Session) -> list[BatchView]:
    """Batches handed to the bank whose result file has not settled every payout yet."""
    stmt = select(PayoutBatch).where(PayoutBatch.status != "settled").order_by(PayoutBatch.id)
    return [batch_view(b) for b in session.scalars(stmt)]
