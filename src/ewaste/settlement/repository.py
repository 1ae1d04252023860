"""Statements that load, lock, claim and store settlements and sellers' totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.settlement.models import Settlement, SettlementSeller, SettlementStatusChange
from ewaste.settlement.rules import SettlementStatus


class SettlementRepository:
    """Loads and stores settlements, their history and the sellers' running totals."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def insert_many(self, values: Sequence[Mapping[str, object]]) -> list[int]:
        """Insert settlements in one statement, without loading them; their ids in the order
        given (an award in a batch keeps its other rows for the batch's single flush)."""
        if not values:
            return []
        stmt = insert(Settlement).returning(Settlement.id, sort_by_parameter_order=True)
        with self._session.no_autoflush:
            return list(self._session.scalars(stmt, list(values)).all())

    def insert_changes(self, values: Sequence[Mapping[str, object]]) -> None:
        """Insert history rows in one statement."""
        if values:
            self._session.execute(insert(SettlementStatusChange), list(values))

    def by_ids(self, ids: Sequence[int]) -> list[Settlement]:
        """Settlements by id, in the order given."""
        if not ids:
            return []
        found = {
            row.id: row
            for row in self._session.scalars(select(Settlement).where(Settlement.id.in_(ids)))
        }
        return [found[i] for i in ids]

    def add_change(self, change: SettlementStatusChange) -> None:
        """Stage a history row for the next flush."""
        self._session.add(change)

    def recorded_sources(self, sources: Sequence[str]) -> set[str]:
        """Which of these sales already have a settlement."""
        if not sources:
            return set()
        stmt = select(Settlement.source).where(Settlement.source.in_(sorted(set(sources))))
        return set(self._session.scalars(stmt))

    def by_source(self, source: str, *, for_update: bool = False) -> Settlement | None:
        """The settlement of one sale (row-locked when asked)."""
        stmt = select(Settlement).where(Settlement.source == source)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).first()

    def seller_for_update(self, seller_id: int, *, now: datetime) -> SettlementSeller:
        """The seller's totals row, created on first use, locked for this transaction."""
        dialect = sqlite if is_sqlite(self._session) else postgresql
        self._session.execute(
            dialect.insert(SettlementSeller)
            .values(seller_id=seller_id, outstanding_fen=0, owed_fen=0, updated_at=now)
            .on_conflict_do_nothing(index_elements=[SettlementSeller.seller_id])
        )
        stmt = (
            select(SettlementSeller)
            .where(SettlementSeller.seller_id == seller_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self._session.scalars(stmt).one()

    def sellers_for_update(
        self, seller_ids: Sequence[int], *, now: datetime
    ) -> dict[int, SettlementSeller]:
        """{seller id: totals row} for `seller_ids`, created on first use, locked for this
        transaction in seller id order (two statements however many sellers)."""
        ids = sorted(set(seller_ids))
        if not ids:
            return {}
        dialect = sqlite if is_sqlite(self._session) else postgresql
        self._session.execute(
            dialect.insert(SettlementSeller)
            .values(
                [
                    {"seller_id": i, "outstanding_fen": 0, "owed_fen": 0, "updated_at": now}
                    for i in ids
                ]
            )
            .on_conflict_do_nothing(index_elements=[SettlementSeller.seller_id])
        )
        stmt = (
            select(SettlementSeller)
            .where(SettlementSeller.seller_id.in_(ids))
            .order_by(SettlementSeller.seller_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {row.seller_id: row for row in self._session.scalars(stmt)}

    def seller(self, seller_id: int) -> SettlementSeller | None:
        """The seller's totals row, if it ever had one."""
        return self._session.get(SettlementSeller, seller_id)

    def claim_due(self, now: datetime, *, limit: int) -> Sequence[Settlement]:
        """Held settlements whose release is due, oldest due first, claimed with SKIP LOCKED
        on PostgreSQL so that parallel workers take disjoint rows."""
        stmt = (
            select(Settlement)
            .where(
                Settlement.status == SettlementStatus.HELD.value,
                Settlement.release_due_at <= now,
            )
            .order_by(Settlement.release_due_at, Settlement.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()

    def of_seller(self, seller_id: int, *, limit: int) -> Sequence[Settlement]:
        """The seller's settlements, newest first."""
        stmt = (
            select(Settlement)
            .where(Settlement.seller_id == seller_id)
            .order_by(Settlement.sold_at.desc(), Settlement.id.desc())
            .limit(limit)
        )
        return self._session.scalars(stmt).all()

    def held_of_seller(self, seller_id: int) -> Sequence[Settlement]:
        """The seller's settlements waiting for release, soonest first."""
        stmt = (
            select(Settlement)
            .where(
                Settlement.seller_id == seller_id,
                Settlement.status == SettlementStatus.HELD.value,
            )
            .order_by(Settlement.release_due_at, Settlement.id)
        )
        return self._session.scalars(stmt).all()

    def history(self, settlement_id: int) -> Sequence[SettlementStatusChange]:
        """A settlement's transitions, oldest first."""
        stmt = (
            select(SettlementStatusChange)
            .where(SettlementStatusChange.settlement_id == settlement_id)
            .order_by(SettlementStatusChange.id)
        )
        return self._session.scalars(stmt).all()
