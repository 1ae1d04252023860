"""Double-entry rules: sides, account kinds, and a journal entry balanced by construction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ewaste.kernel.errors import Conflict, InvalidInput, NotFound
from ewaste.kernel.money import Currency, Money


class Side(StrEnum):
    """Which column of the account a line is written in."""

    DEBIT = "debit"
    CREDIT = "credit"


class AccountKind(StrEnum):
    """What an account holds; the kind fixes its normal side and whether it may go negative."""

    PARTY_AVAILABLE = "party_available"
    """Money the platform owes a party and the party may spend or withdraw."""
    ESCROW = "escrow"
    """Money paid by buyers and held until delivery is confirmed."""
    PLATFORM_FEES = "platform_fees"
    """The platform's fee revenue."""
    BANK = "bank"
    """The platform's bank account: money that entered from or left to the outside world."""
    PARTY_PENDING = "party_pending"
    """Money a party has earned that is not released to it yet (settlement by tier)."""
    PARTY_ESCROW = "party_escrow"
    """Money a party paid that is held for it until delivery is confirmed."""
    GUARANTEE_FUND = "guarantee_fund"
    """The platform's fund that guarantees advances to trusted sellers and bears their losses."""
    PAYOUTS_IN_TRANSIT = "payouts_in_transit"
    """Withdrawals requested by parties and not yet confirmed or failed by the bank."""


NORMAL_SIDE: dict[AccountKind, Side] = {
    AccountKind.PARTY_AVAILABLE: Side.CREDIT,
    AccountKind.ESCROW: Side.CREDIT,
    AccountKind.PLATFORM_FEES: Side.CREDIT,
    AccountKind.BANK: Side.DEBIT,
    AccountKind.PARTY_PENDING: Side.CREDIT,
    AccountKind.PARTY_ESCROW: Side.CREDIT,
    AccountKind.GUARANTEE_FUND: Side.CREDIT,
    AccountKind.PAYOUTS_IN_TRANSIT: Side.CREDIT,
}

MAY_GO_NEGATIVE: dict[AccountKind, bool] = {
    AccountKind.PARTY_AVAILABLE: False,
    AccountKind.ESCROW: False,
    AccountKind.PLATFORM_FEES: False,
    AccountKind.BANK: False,
    AccountKind.PARTY_PENDING: False,
    AccountKind.PARTY_ESCROW: False,
    # Advances the fund guarantees may exceed what it holds: the shortfall is the platform's
    # own loss, shown by the guarantee exposure report, never a party's money (ADR 0017).
    AccountKind.GUARANTEE_FUND: True,
    AccountKind.PAYOUTS_IN_TRANSIT: False,
}


class UnbalancedEntry(InvalidInput):
    """Debits and credits of an entry differ in some currency."""

    code = "ledger.unbalanced_entry"
    message = "Debits and credits differ in {currency}: {debits} vs {credits} fen."


class InvalidLine(InvalidInput):
    """A line with a non-positive amount, or an entry with fewer than two lines."""

    code = "ledger.invalid_line"
    message = "An entry needs two or more lines, each with a positive amount."


class IdempotencyKeyReused(Conflict):
    """The idempotency key was already used for an entry with different lines."""

    code = "ledger.idempotency_key_reused"
    message = "The key {key!r} was already used for a different entry."


class InsufficientFunds(Conflict):
    """Posting would take an account below zero where its kind forbids it."""

    code = "ledger.insufficient_funds"
    message = "Account {account} would go to {balance} fen; it may not go negative."


class AccountNotFound(NotFound):
    """No account with this code (or not visible to the actor)."""

    code = "ledger.account_not_found"
    message = "Account {account!r} not found."


class EntryNotFound(NotFound):
    """No journal entry with this id."""

    code = "ledger.entry_not_found"
    message = "Journal entry {entry_id} not found."


class AlreadyReversed(Conflict):
    """The entry already has a reversal."""

    code = "ledger.already_reversed"
    message = "Journal entry {entry_id} has already been reversed."


@dataclass(frozen=True, slots=True)
class AccountRef:
    """A named account: its code, kind and owning organisation (if a party's)."""

    code: str
    kind: AccountKind
    owner_id: int | None = None


class Accounts:
    """The platform's account chart: how each account is named."""

    ESCROW = AccountRef("platform:escrow", AccountKind.ESCROW)
    PLATFORM_FEES = AccountRef("platform:fees", AccountKind.PLATFORM_FEES)
    BANK = AccountRef("platform:bank", AccountKind.BANK)
    GUARANTEE_FUND = AccountRef("platform:guarantee", AccountKind.GUARANTEE_FUND)
    PAYOUTS_IN_TRANSIT = AccountRef("platform:payouts-in-transit", AccountKind.PAYOUTS_IN_TRANSIT)

    @staticmethod
    def party(organisation_id: int) -> AccountRef:
        """The available balance of an organisation."""
        return AccountRef(
            f"org:{organisation_id}:available", AccountKind.PARTY_AVAILABLE, organisation_id
        )

    @staticmethod
    def party_pending(organisation_id: int) -> AccountRef:
        """What an organisation has earned and is not released to it yet."""
        return AccountRef(
            f"org:{organisation_id}:pending", AccountKind.PARTY_PENDING, organisation_id
        )

    @staticmethod
    def party_escrow(organisation_id: int) -> AccountRef:
        """What an organisation paid that is held until its delivery is confirmed."""
        return AccountRef(
            f"org:{organisation_id}:escrow", AccountKind.PARTY_ESCROW, organisation_id
        )


PARTY_KINDS: tuple[AccountKind, ...] = (
    AccountKind.PARTY_AVAILABLE,
    AccountKind.PARTY_PENDING,
    AccountKind.PARTY_ESCROW,
)
"""The accounts every organisation has, in the order statements show them."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an entry: an amount on one side of one account."""

    account: AccountRef
    side: Side
    amount: Money

    def __post_init__(self) -> None:
        if self.amount.minor <= 0:
            raise InvalidLine


def debit(account: AccountRef, amount: Money) -> Line:
    """A debit line."""
    return Line(account, Side.DEBIT, amount)


def credit(account: AccountRef, amount: Money) -> Line:
    """A credit line."""
    return Line(account, Side.CREDIT, amount)


def transfer(*, payer: AccountRef, payee: AccountRef, amount: Money) -> tuple[Line, Line]:
    """Move `amount` from one credit-normal account to another (payer debited)."""
    return (debit(payer, amount), credit(payee, amount))


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced set of lines with an idempotency key; rejected at construction if unbalanced."""

    idempotency_key: str
    occurred_at: datetime
    description: str
    source: str
    lines: tuple[Line, ...]

    def __post_init__(self) -> None:
        if len(self.lines) < 2 or not self.idempotency_key:
            raise InvalidLine
        check_balanced(self.lines)

    def fingerprint(self) -> str:
        """A digest of what the entry does, to tell a replay from a reused key."""
        parts = sorted(
            f"{ln.account.code}|{ln.side.value}|{ln.amount.minor}|{ln.amount.currency.value}"
            for ln in self.lines
        )
        return hashlib.sha256("\n".join([self.source, *parts]).encode()).hexdigest()


def check_balanced(lines: Sequence[Line]) -> None:
    """Raise UnbalancedEntry unless debits equal credits in every currency."""
    totals: dict[Currency, list[int]] = {}
    for line in lines:
        pair = totals.setdefault(line.amount.currency, [0, 0])
        pair[0 if line.side is Side.DEBIT else 1] += line.amount.minor
    for currency, (debits, credits) in totals.items():
        if debits != credits:
            raise UnbalancedEntry(currency=currency.value, debits=debits, credits=credits)


def signed_balance(kind: AccountKind, *, debits: int, credits: int) -> int:
    """An account's balance on its normal side, in minor units."""
    if NORMAL_SIDE[kind] is Side.DEBIT:
        return debits - credits
    return credits - debits


def sums_of(lines: Sequence[Line], code: str) -> tuple[int, int]:
    """(debits, credits) the lines add to account `code`, in minor units."""
    debits = sum(
        ln.amount.minor for ln in lines if ln.account.code == code and ln.side is Side.DEBIT
    )
    credits = sum(
        ln.amount.minor for ln in lines if ln.account.code == code and ln.side is Side.CREDIT
    )
    return debits, credits


def balance_after(kind: AccountKind, current: int, lines: Sequence[Line], code: str) -> int:
    """The balance of account `code` after applying the lines that touch it."""
    debits, credits = sums_of(lines, code)
    return current + signed_balance(kind, debits=debits, credits=credits)


def is_forbidden_negative(kind: AccountKind, balance: int) -> bool:
    """True when `balance` (on the normal side) is below zero and `kind` forbids it."""
    return balance < 0 and not MAY_GO_NEGATIVE[kind]


def reversal_lines(lines: Sequence[Line]) -> tuple[Line, ...]:
    """The same lines with every side swapped."""
    swapped = {Side.DEBIT: Side.CREDIT, Side.CREDIT: Side.DEBIT}
    return tuple(Line(ln.account, swapped[ln.side], ln.amount) for ln in lines)
