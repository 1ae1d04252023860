"""Balances and entry listings, derived from the lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.money import Money
from ewaste.ledger import rules
from ewaste.ledger.models import Account, AccountBalance, JournalEntryRow, JournalLineRow
from ewaste.ledger.rules import AccountRef


@dataclass(frozen=True, slots=True)
class EntryLineRow:
    """One line of an entry as shown in statements."""

    entry_id: int
    idempotency_key: str
    occurred_at: datetime
    description: str
    source: str
    account: str
    side: str
    amount: Money


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """An account's balance on its normal side."""

    account: str
    kind: str
    owner_id: int | None
    balance: Money


def balance(session: Session, ref: AccountRef) -> Money:
    """The balance of one account on its normal side (zero if it was never used)."""
    account = session.scalars(select(Account).where(Account.code == ref.code)).one_or_none()
    if account is None:
        return Money.zero()
    debits, credits = _totals(session, account.id)
    return Money(
        rules.signed_balance(rules.AccountKind(account.kind), debits=debits, credits=credits)
    )


def balances(session: Session, *, owner_id: int | None = None) -> Sequence[BalanceRow]:
    """Every account's balance (or one owner's), by account code."""
    debit_sum = func.coalesce(
        func.sum(case((JournalLineRow.side == "debit", JournalLineRow.amount_minor))), 0
    )
    credit_sum = func.coalesce(
        func.sum(case((JournalLineRow.side == "credit", JournalLineRow.amount_minor))), 0
    )
    stmt = (
        select(Account.code, Account.kind, Account.owner_id, debit_sum, credit_sum)
        .outerjoin(JournalLineRow, JournalLineRow.account_id == Account.id)
        .group_by(Account.id, Account.code, Account.kind, Account.owner_id)
        .order_by(Account.code)
    )
    if owner_id is not None:
        stmt = stmt.where(Account.owner_id == owner_id)
    return [
        BalanceRow(
            code,
            kind,
            owner,
            Money(rules.signed_balance(rules.AccountKind(kind), debits=int(d), credits=int(c))),
        )
        for code, kind, owner, d, c in session.execute(stmt)
    ]


def totals_by_kind(session: Session) -> dict[str, Money]:
    """Sum of balances per account kind (party balances, escrow, fees, bank)."""
    result: dict[str, Money] = {}
    for row in balances(session):
        result[row.kind] = result.get(row.kind, Money.zero()) + row.balance
    return result


def is_balanced(session: Session) -> bool:
    """True when every entry's debits equal its credits and so the whole journal sums to zero."""
    signed = case(
        (JournalLineRow.side == "debit", JournalLineRow.amount_minor),
        else_=-JournalLineRow.amount_minor,
    )
    per_entry = (
        select(JournalLineRow.entry_id)
        .group_by(JournalLineRow.entry_id, JournalLineRow.currency)
        .having(func.sum(signed) != 0)
    )
    return session.execute(per_entry.limit(1)).first() is None


def balance_mismatches(session: Session) -> list[str]:
    """Codes of accounts whose balance row differs from the sums of their lines (or is missing).

    The balance rows are snapshots kept by posting; the lines are the record. Empty when
    every snapshot agrees with the journal.
    """
    line_sums = (
        select(
            JournalLineRow.account_id.label("account_id"),
            func.sum(
                case((JournalLineRow.side == "debit", JournalLineRow.amount_minor), else_=0)
            ).label("debits"),
            func.sum(
                case((JournalLineRow.side == "credit", JournalLineRow.amount_minor), else_=0)
            ).label("credits"),
        )
        .group_by(JournalLineRow.account_id)
        .subquery()
    )
    stmt = (
        select(Account.code)
        .outerjoin(AccountBalance, AccountBalance.account_id == Account.id)
        .outerjoin(line_sums, line_sums.c.account_id == Account.id)
        .where(
            (AccountBalance.account_id.is_(None))
            | (AccountBalance.debit_minor != func.coalesce(line_sums.c.debits, 0))
            | (AccountBalance.credit_minor != func.coalesce(line_sums.c.credits, 0))
        )
        .order_by(Account.code)
    )
    return [str(code) for code in session.scalars(stmt)]


def entries_for_source(session: Session, source: str) -> Sequence[EntryLineRow]:
    """Every line of every entry whose source is `source`, oldest first."""
    return _lines(session, JournalEntryRow.source == source)


def entries_with_source_prefix(session: Session, prefix: str) -> Sequence[EntryLineRow]:
    """Every line of entries whose source starts with `prefix` (e.g. "pickup:12")."""
    return _lines(session, JournalEntryRow.source.startswith(prefix, autoescape=True))


def statement(session: Session, *, owner_id: int, limit: int = 200) -> Sequence[EntryLineRow]:
    """The latest lines on an organisation's accounts, newest first."""
    stmt = (
        _line_select()
        .where(Account.owner_id == owner_id)
        .order_by(JournalEntryRow.occurred_at.desc(), JournalLineRow.id.desc())
        .limit(limit)
    )
    return [_line_row(r) for r in session.execute(stmt)]


def _lines(session: Session, condition: ColumnElement[bool]) -> Sequence[EntryLineRow]:
    stmt = _line_select().where(condition).order_by(JournalEntryRow.id, JournalLineRow.id)
    return [_line_row(r) for r in session.execute(stmt)]


def _line_select() -> Select[int, str, datetime, str, str, str, str, int]:
    return (
        select(
            JournalEntryRow.id,
            JournalEntryRow.idempotency_key,
            JournalEntryRow.occurred_at,
            JournalEntryRow.description,
            JournalEntryRow.source,
            Account.code,
            JournalLineRow.side,
            JournalLineRow.amount_minor,
        )
        .join(JournalLineRow, JournalLineRow.entry_id == JournalEntryRow.id)
        .join(Account, Account.id == JournalLineRow.account_id)
    )


def _line_row(r: Row[int, str, datetime, str, str, str, str, int]) -> EntryLineRow:
    return EntryLineRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], Money(r[7]))


def _totals(session: Session, account_id: int) -> tuple[int, int]:
    stmt = select(
        func.coalesce(
            func.sum(case((JournalLineRow.side == "debit", JournalLineRow.amount_minor))), 0
        ),
        func.coalesce(
            func.sum(case((JournalLineRow.side == "credit", JournalLineRow.amount_minor))), 0
        ),
    ).where(JournalLineRow.account_id == account_id)
    debits, credits = session.execute(stmt).one()
    return int(debits), int(credits)


def entry_keys_with_prefix(session: Session, prefix: str) -> set[str]:
    """Idempotency keys of the entries whose key starts with `prefix` (reconciliation)."""
    stmt = select(JournalEntryRow.idempotency_key).where(
        JournalEntryRow.idempotency_key.startswith(prefix, autoescape=True)
    )
    return {str(key) for key in session.scalars(stmt)}


def key_counts(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """How many entries carry each of `keys` (0 for none; never more than 1 by the unique
    constraint): how a crash test proves every acknowledged request is booked once."""
    found: dict[str, int] = dict.fromkeys(keys, 0)
    for start in range(0, len(keys), 1000):
        chunk = list(keys[start : start + 1000])
        stmt = (
            select(JournalEntryRow.idempotency_key, func.count())
            .where(JournalEntryRow.idempotency_key.in_(chunk))
            .group_by(JournalEntryRow.idempotency_key)
        )
        for key, count in session.execute(stmt):
            found[str(key)] = int(count)
    return found


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """The whole ledger checked: entries balanced, snapshots equal to the lines, and no
    account below zero whose kind forbids it. `ok` when all three hold."""

    entries: int
    lines: int
    debits: Money
    credits: Money
    unbalanced_entries: int
    mismatched_balances: Sequence[str]
    forbidden_negatives: Sequence[str]

    @property
    def ok(self) -> bool:
        """True when the journal sums to zero and every balance agrees and is allowed."""
        return (
            self.debits == self.credits
            and self.unbalanced_entries == 0
            and not self.mismatched_balances
            and not self.forbidden_negatives
        )


def check_ledger(session: Session) -> LedgerCheck:
    """Check every entry, every balance row and every account (a full scan; for operators'
    reports, the CLI's `ledger check` and tests)."""
    signed = case(
        (JournalLineRow.side == "debit", JournalLineRow.amount_minor),
        else_=-JournalLineRow.amount_minor,
    )
    unbalanced = (
        select(JournalLineRow.entry_id)
        .group_by(JournalLineRow.entry_id, JournalLineRow.currency)
        .having(func.sum(signed) != 0)
        .subquery()
    )
    debit_sum = func.coalesce(
        func.sum(case((JournalLineRow.side == "debit", JournalLineRow.amount_minor), else_=0)), 0
    )
    credit_sum = func.coalesce(
        func.sum(case((JournalLineRow.side == "credit", JournalLineRow.amount_minor), else_=0)), 0
    )
    lines, debits, credits = session.execute(
        select(func.count(JournalLineRow.id), debit_sum, credit_sum)
    ).one()
    negatives = [
        row.account
        for row in balances(session)
        if rules.is_forbidden_negative(rules.AccountKind(row.kind), row.balance.minor)
    ]
    return LedgerCheck(
        entries=int(session.scalar(select(func.count(JournalEntryRow.id))) or 0),
        lines=int(lines),
        debits=Money(int(debits)),
        credits=Money(int(credits)),
        unbalanced_entries=int(session.scalar(select(func.count()).select_from(unbalanced)) or 0),
        mismatched_balances=balance_mismatches(session),
        forbidden_negatives=negatives,
    )


def party_balances(session: Session, *, owner_id: int) -> dict[rules.AccountKind, Money]:
    """An organisation's balance on each party account kind (zero where never used), read
    from the balance rows."""
    stmt = (
        select(Account.kind, AccountBalance.debit_minor, AccountBalance.credit_minor)
        .join(AccountBalance, AccountBalance.account_id == Account.id)
        .where(Account.owner_id == owner_id)
    )
    found = {
        rules.AccountKind(kind): Money(
            rules.signed_balance(rules.AccountKind(kind), debits=int(d), credits=int(c))
        )
        for kind, d, c in session.execute(stmt)
    }
    return {kind: found.get(kind, Money.zero()) for kind in rules.PARTY_KINDS}


@dataclass(frozen=True, slots=True)
class AccountMovement:
    """What one account received and gave in one month (China time)."""

    month: str
    increases: Money
    decreases: Money


def monthly_movements(session: Session, ref: AccountRef) -> list[AccountMovement]:
    """Per China-time month, the sums that raised and lowered the account's balance, oldest
    month first (empty when the account was never used)."""
    stmt = (
        select(JournalEntryRow.occurred_at, JournalLineRow.side, JournalLineRow.amount_minor)
        .join(JournalLineRow, JournalLineRow.entry_id == JournalEntryRow.id)
        .join(Account, Account.id == JournalLineRow.account_id)
        .where(Account.code == ref.code)
    )
    normal = rules.NORMAL_SIDE[ref.kind].value
    months: dict[str, list[int]] = {}
    for occurred_at, side, amount in session.execute(stmt):
        month = occurred_at.astimezone(CHINA_TIME).strftime("%Y-%m")
        pair = months.setdefault(month, [0, 0])
        pair[0 if side == normal else 1] += int(amount)
    return [
        AccountMovement(month, Money(up), Money(down))
        for month, (up, down) in sorted(months.items())
    ]
