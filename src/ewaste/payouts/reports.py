"""Money reports for operators: platform revenue by month, guarantee exposure, a party's
statement across its accounts. Read-only; built from the ledger's and payouts' queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ewaste import ledger
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money
from ewaste.payouts.queries import BankAccountView, PayoutView, bank_account_view, payout_view
from ewaste.payouts.repository import PayoutRepository


@dataclass(frozen=True, slots=True)
class GuaranteeExposure:
    """The guarantee fund against what it stands behind.

    `fund` is the fund's balance (negative when losses exceeded what was paid in, which its
    account type allows); `paid_in` and `paid_out` are its lifetime inflows and outflows
    (advances and losses booked to it); `escrow_held` is buyers' money held until reception,
    the most the platform could be asked to advance before delivery.
    """

    fund: Money
    paid_in: Money
    paid_out: Money
    escrow_held: Money

    @property
    def uncovered(self) -> Money:
        """How much of the escrow held the fund could not advance (zero when it could)."""
        return Money(max(self.escrow_held.minor - max(self.fund.minor, 0), 0))


@dataclass(frozen=True, slots=True)
class MoneyReport:
    """Platform revenue per month, its total, and the guarantee exposure."""

    revenue: Sequence[ledger.AccountMovement]
    revenue_total: Money
    guarantee: GuaranteeExposure
    ledger: ledger.LedgerCheck


def money_report(session: Session, *, actor: Actor) -> MoneyReport:
    """Fees earned per month (net of reversals), the guarantee exposure, and the full ledger
    check. MissingPermission (operators only)."""
    actor.require(Permission.STAFF_LEDGER_READ)
    revenue = ledger.monthly_movements(session, ledger.Accounts.PLATFORM_FEES)
    total = sum((m.increases - m.decreases for m in revenue), Money.zero())
    fund = ledger.monthly_movements(session, ledger.Accounts.GUARANTEE_FUND)
    guarantee = GuaranteeExposure(
        fund=ledger.balance(session, ledger.Accounts.GUARANTEE_FUND),
        paid_in=sum((m.increases for m in fund), Money.zero()),
        paid_out=sum((m.decreases for m in fund), Money.zero()),
        escrow_held=ledger.balance(session, ledger.Accounts.ESCROW),
    )
    return MoneyReport(revenue, total, guarantee, ledger.check_ledger(session))


@dataclass(frozen=True, slots=True)
class PartyStatement:
    """A party's balances on each of its accounts, its bank account, payouts and lines."""

    organisation_id: int
    balances: dict[ledger.AccountKind, Money]
    bank_account: BankAccountView | None
    payouts: Sequence[PayoutView]
    lines: Sequence[ledger.EntryLineRow]


def statement_for(session: Session, *, actor: Actor) -> PartyStatement:
    """The actor's organisation's statement: available, pending and escrow balances, its bank
    account (masked), latest payouts and journal lines. MissingPermission."""
    actor.require(Permission.PARTY_ACCOUNT_READ)
    repo = PayoutRepository(session)
    account = repo.bank_account(actor.organisation_id)
    own = repo.payouts(organisation_id=actor.organisation_id, status=None, limit=50)
    return PartyStatement(
        organisation_id=actor.organisation_id,
        balances=ledger.party_balances(session, owner_id=actor.organisation_id),
        bank_account=None if account is None else bank_account_view(account),
        payouts=[payout_view(p) for p in own],
        lines=ledger.statement(session, owner_id=actor.organisation_id),
    )
