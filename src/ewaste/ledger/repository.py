"""Every statement that reads or writes the ledger, including row locks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ewaste.ledger.models import Account, JournalEntryRow, JournalLineRow


class LedgerRepository:
    """Loads accounts and entries; appends entries and lines."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def account_by_code(self, code: str) -> Account | None:
        """The account with this code, if it exists."""
        stmt = select(Account).where(Account.code == code)
        return self._session.scalars(stmt).one_or_none()

    def lock_accounts(self, account_ids: Sequence[int]) -> None:
        """Lock account rows in primary-key order (PostgreSQL) so balance checks serialise.

        SQLite has one writer at a time (BEGIN IMMEDIATE), which serialises on its own.
        """
        stmt = (
            select(Account.id)
            .where(Account.id.in_(sorted(account_ids)))
            .order_by(Account.id)
            .with_for_update()
        )
        self._session.execute(stmt).all()

    def add_account(self, account: Account) -> None:
        """Stage and flush a new account."""
        self._session.add(account)
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

    def add_entry(self, entry: JournalEntryRow, lines: Sequence[JournalLineRow]) -> None:
        """Append an entry and its lines."""
        self._session.add(entry)
        self._session.flush()
        for line in lines:
            line.entry_id = entry.id
            self._session.add(line)
        self._session.flush()

    def debit_credit_totals(self, account_id: int) -> tuple[int, int]:
        """Sum of debits and sum of credits ever posted to an account, in minor units."""
        stmt = select(
            func.coalesce(
                func.sum(case((JournalLineRow.side == "debit", JournalLineRow.amount_minor))), 0
            ),
            func.coalesce(
                func.sum(case((JournalLineRow.side == "credit", JournalLineRow.amount_minor))), 0
            ),
        ).where(JournalLineRow.account_id == account_id)
        debits, credits = self._session.execute(stmt).one()
        return int(debits), int(credits)
