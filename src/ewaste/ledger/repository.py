"""Every statement that reads or writes the ledger, including row locks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.ledger.models import Account, AccountBalance, JournalEntryRow, JournalLineRow
from ewaste.ledger.rules import NORMAL_SIDE, AccountKind, Side

_BALANCE = cast(Table, AccountBalance.__table__)
_LINE = cast(Table, JournalLineRow.__table__)
_ADD_TO_BALANCE = (
    update(_BALANCE)
    .where(_BALANCE.c.account_id == bindparam("aid"))
    .values(
        debit_minor=_BALANCE.c.debit_minor + bindparam("debits"),
        credit_minor=_BALANCE.c.credit_minor + bindparam("credits"),
    )
)


class LedgerRepository:
    """Loads accounts and entries; appends entries and lines."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def account_by_code(self, code: str) -> Account | None:
        """The account with this code, if it exists."""
        stmt = select(Account).where(Account.code == code)
        return self._session.scalars(stmt).one_or_none()

    def accounts_for_posting(self, codes: Sequence[str]) -> dict[str, tuple[Account, int, int]]:
        """{code: (account, debit sum, credit sum)} of those accounts that exist, their
        balance rows locked in account id order (PostgreSQL) so balance checks serialise.

        SQLite has one writer at a time (BEGIN IMMEDIATE), which serialises on its own.
        The sums are read as columns, never as an entity, so they are fresh on every call.
        """
        stmt = (
            select(Account, AccountBalance.debit_minor, AccountBalance.credit_minor)
            .join(AccountBalance, AccountBalance.account_id == Account.id)
            .where(Account.code.in_(sorted(codes)))
            .order_by(Account.id)
            .with_for_update()
        )
        return {a.code: (a, int(d), int(c)) for a, d, c in self._session.execute(stmt)}

    def add_account(self, account: Account) -> None:
        """Stage and flush a new account with its zero balance row."""
        self._session.add(account)
        self._session.flush()
        self._session.add(
            AccountBalance(
                account_id=account.id,
                debit_minor=0,
                credit_minor=0,
                credit_normal=NORMAL_SIDE[AccountKind(account.kind)] is Side.CREDIT,
                may_go_negative=account.may_go_negative,
            )
        )
        self._session.flush()

    def entry_by_key(self, key: str) -> JournalEntryRow | None:
        """The entry posted under this idempotency key, if any."""
        stmt = select(JournalEntryRow).where(JournalEntryRow.idempotency_key == key)
        return self._session.scalars(stmt).one_or_none()

    def entry(self, entry_id: int) -> JournalEntryRow | None:
        """The entry with this id, if any."""
        return self._session.get(JournalEntryRow, entry_id)

    def reversal_of(self, entry_id: int) -> JournalEntryRow | None:
        """The entry that reverses `entry_id`, if any."""
        stmt = select(JournalEntryRow).where(JournalEntryRow.reverses_entry_id == entry_id)
        return self._session.scalars(stmt).one_or_none()

    def lines_of(self, entry_id: int) -> Sequence[tuple[JournalLineRow, Account]]:
        """The lines of one entry with their accounts, in insertion order."""
        stmt = (
            select(JournalLineRow, Account)
            .join(Account, Account.id == JournalLineRow.account_id)
            .where(JournalLineRow.entry_id == entry_id)
            .order_by(JournalLineRow.id)
        )
        return [(line, account) for line, account in self._session.execute(stmt)]

    def add_entry(self, entry: JournalEntryRow) -> JournalEntryRow | None:
        """Append an entry; None when an entry with its idempotency key exists already (a
        concurrent posting of the same key committed first). One statement, no savepoint."""
        dialect = sqlite if is_sqlite(self._session) else postgresql
        stmt = (
            dialect.insert(JournalEntryRow)
            .values(
                idempotency_key=entry.idempotency_key,
                fingerprint=entry.fingerprint,
                occurred_at=entry.occurred_at,
                description=entry.description,
                source=entry.source,
                reverses_entry_id=entry.reverses_entry_id,
            )
            .on_conflict_do_nothing(index_elements=[JournalEntryRow.idempotency_key])
            .returning(JournalEntryRow)
        )
        return self._session.scalars(stmt).one_or_none()

    def add_entries(self, entries: Sequence[JournalEntryRow]) -> None:
        """Append new entries in one statement (their keys must be new); ids are set."""
        self._session.add_all(entries)
        self._session.flush()

    def add_lines(self, lines: Sequence[tuple[int, int, str, int, str]]) -> None:
        """Append lines given as (entry id, account id, side, amount minor, currency), in one
        executemany: lines are never read back as objects in the transaction that adds them."""
        self._session.execute(
            insert(_LINE),
            [
                {"entry_id": e, "account_id": a, "side": s, "amount_minor": m, "currency": c}
                for e, a, s, m, c in lines
            ],
        )

    def add_to_balances(self, sums: dict[int, tuple[int, int]]) -> None:
        """Add {account id: (debits, credits)} to the accounts' balance rows, which the caller
        locked with `accounts_for_posting`."""
        self._session.execute(
            _ADD_TO_BALANCE,
            [{"aid": a, "debits": d, "credits": c} for a, (d, c) in sorted(sums.items())],
        )
