"""Every statement that loads, locks or writes bank accounts, payouts and bank batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.payouts.models import (
    BankAccount,
    Payout,
    PayoutBatch,
    PayoutBatchStatusChange,
    PayoutStatusChange,
)
from ewaste.payouts.rules import PayoutStatus


class PayoutRepository:
    """Loads and stores payouts, their batches, bank accounts and histories."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def bank_account(self, organisation_id: int) -> BankAccount | None:
        """The organisation's bank account, if it gave one."""
        stmt = select(BankAccount).where(BankAccount.organisation_id == organisation_id)
        return self._session.scalars(stmt).one_or_none()

    def add_bank_account(self, account: BankAccount) -> None:
        """Stage and flush a new bank account."""
        self._session.add(account)
        self._session.flush()

    def payout(self, payout_id: int, *, for_update: bool = False) -> Payout | None:
        """The payout with this id, row-locked on PostgreSQL when `for_update`."""
        stmt = select(Payout).where(Payout.id == payout_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def payout_by_key(self, organisation_id: int, key: str) -> Payout | None:
        """The organisation's payout requested under this idempotency key, if any."""
        stmt = select(Payout).where(
            Payout.organisation_id == organisation_id, Payout.idempotency_key == key
        )
        return self._session.scalars(stmt).one_or_none()

    def insert_payout(self, payout: Payout) -> Payout | None:
        """Insert a payout; None when the organisation's key exists already (a concurrent
        request with the same key committed first). One statement: it waits for a
        concurrent insert of the same key to commit or roll back, without a savepoint."""
        dialect = sqlite if is_sqlite(self._session) else postgresql
        stmt = (
            dialect.insert(Payout)
            .values(
                organisation_id=payout.organisation_id,
                amount_fen=payout.amount_fen,
                idempotency_key=payout.idempotency_key,
                request_fingerprint=payout.request_fingerprint,
                holder=payout.holder,
                bank_name=payout.bank_name,
                account_number=payout.account_number,
                status=payout.status,
                bank_reference="",
                failure_reason="",
                source=payout.source,
                requested_at=payout.requested_at,
                version=1,
            )
            .on_conflict_do_nothing(index_elements=["organisation_id", "idempotency_key"])
            .returning(Payout)
        )
        return self._session.scalars(stmt).one_or_none()

    def claim_requested(self, *, limit: int) -> Sequence[Payout]:
        """Requested payouts not in a batch, oldest first, locked (SKIP LOCKED on PostgreSQL)
        so two operators building batches at once never take the same payout."""
        stmt = (
            select(Payout)
            .where(Payout.status == PayoutStatus.REQUESTED.value)
            .order_by(Payout.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self._session.scalars(stmt))

    def payouts_in_batch(self, batch_id: int, *, for_update: bool = False) -> Sequence[Payout]:
        """The batch's payouts by id (locked in id order when `for_update`)."""
        stmt = select(Payout).where(Payout.batch_id == batch_id).order_by(Payout.id)
        if for_update:
            stmt = stmt.with_for_update()
        return list(self._session.scalars(stmt))

    def payouts(
        self, *, organisation_id: int | None, status: str | None, limit: int
    ) -> Sequence[Payout]:
        """Payouts newest first, of one organisation or all, optionally of one status."""
        stmt = select(Payout).order_by(Payout.id.desc()).limit(limit)
        if organisation_id is not None:
            stmt = stmt.where(Payout.organisation_id == organisation_id)
        if status is not None:
            stmt = stmt.where(Payout.status == status)
        return list(self._session.scalars(stmt))

    def batch(self, batch_id: int, *, for_update: bool = False) -> PayoutBatch | None:
        """The bank batch with this id, row-locked on PostgreSQL when `for_update`."""
        stmt = select(PayoutBatch).where(PayoutBatch.id == batch_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def batches(self, *, limit: int) -> Sequence[PayoutBatch]:
        """Bank batches, newest first."""
        return list(
            self._session.scalars(select(PayoutBatch).order_by(PayoutBatch.id.desc()).limit(limit))
        )

    def add_batch(self, batch: PayoutBatch) -> None:
        """Stage and flush a new batch (its id is set)."""
        self._session.add(batch)
        self._session.flush()

    def add_payout_change(
        self, payout: Payout, before: str, event: str, *, actor_id: int | None, now: datetime
    ) -> None:
        """Append a payout history row."""
        self._session.add(
            PayoutStatusChange(
                payout_id=payout.id,
                from_status=before,
                to_status=payout.status,
                event=event,
                actor_id=actor_id,
                at=now,
            )
        )

    def add_batch_change(
        self, batch: PayoutBatch, before: str, event: str, *, actor_id: int | None, now: datetime
    ) -> None:
        """Append a batch history row."""
        self._session.add(
            PayoutBatchStatusChange(
                batch_id=batch.id,
                from_status=before,
                to_status=batch.status,
                event=event,
                actor_id=actor_id,
                at=now,
            )
        )

    def flush(self) -> None:
        """Write staged changes (optimistic version checks run here)."""
        self._session.flush()
