"""Every statement that loads or writes quotes and price inputs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, or_, select
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.pricing.models import PriceInput, Quote, QuoteStatusChange
from ewaste.pricing.rules import QuoteStatus

# Quotes are the hottest write: a prebuilt Core INSERT skips the unit of work.
_QUOTE_TABLE = cast(Table, Quote.__table__)
_QUOTE_COLUMNS = [c for c in _QUOTE_TABLE.columns if c.key not in ("id", "version")]
_INSERT_QUOTE = insert(_QUOTE_TABLE).returning(_QUOTE_TABLE.c.id)
_NEWEST_INPUT = select(func.coalesce(func.max(PriceInput.__table__.c.id), 0))


class QuoteRepository:
    """Loads and stores quotes and their history."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, quote_id: int) -> Quote | None:
        """The quote with this id, if any."""
        return self._session.get(Quote, quote_id)

    def get_for_update(self, quote_id: int) -> Quote | None:
        """The quote with this id, row-locked on PostgreSQL."""
        stmt = select(Quote).where(Quote.id == quote_id).with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def insert(self, quote: Quote) -> int:
        """Store a new quote in one prebuilt INSERT (its breakdown travels in the row); return
        its id. `quote` stays transient: the session does not track it."""
        values = {c.key: getattr(quote, c.key) for c in _QUOTE_COLUMNS}
        return int(self._session.execute(_INSERT_QUOTE, values).scalar_one())

    def add_change(self, change: QuoteStatusChange) -> None:
        """Append a history row."""
        self._session.add(change)

    def claim_due_for_expiry(self, *, now: datetime, limit: int) -> Sequence[Quote]:
        """Open quotes past their expiry, locked so that no other worker takes the same ones.

        PostgreSQL skips rows another worker has locked; SQLite has a single writer.
        """
        stmt = (
            select(Quote)
            .where(Quote.status == QuoteStatus.OPEN.value, Quote.expires_at <= now)
            .order_by(Quote.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()


class PriceInputRepository:
    """Appends price input versions and reads what is in force."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: PriceInput) -> None:
        """Append one version."""
        self._session.add(row)
        self._session.flush()

    def newest_id(self) -> int:
        """The highest price input id (0 when there is none)."""
        return int(self._session.scalar(_NEWEST_INPUT) or 0)

    def candidates(
        self, *, regions: Sequence[str], at: datetime, max_id: int
    ) -> Sequence[PriceInput]:
        """Every version effective by `at` for these regions, oldest first, ids ≤ max_id."""
        stmt = (
            select(PriceInput)
            .where(
                PriceInput.region.in_(regions),
                PriceInput.effective_from <= at,
                or_(PriceInput.effective_to.is_(None), PriceInput.effective_to > at),
                PriceInput.id <= max_id,
            )
            .order_by(PriceInput.effective_from, PriceInput.id)
        )
        return self._session.scalars(stmt).all()

    def next_change_after(self, *, regions: Sequence[str], at: datetime) -> datetime | None:
        """When the next version for these regions takes or ends effect after `at`."""
        starts = select(func.min(PriceInput.effective_from)).where(
            PriceInput.region.in_(regions), PriceInput.effective_from > at
        )
        ends = select(func.min(PriceInput.effective_to)).where(
            PriceInput.region.in_(regions), PriceInput.effective_to > at
        )
        moments = [self._session.scalar(starts), self._session.scalar(ends)]
        found = [m for m in moments if m is not None]
        return min(found) if found else None

    def history(
        self, *, kind: str | None, key: str | None, region: str | None, limit: int
    ) -> Sequence[PriceInput]:
        """Versions, newest first, optionally filtered."""
        stmt = select(PriceInput).order_by(PriceInput.effective_from.desc(), PriceInput.id.desc())
        if kind:
            stmt = stmt.where(PriceInput.kind == kind)
        if key:
            stmt = stmt.where(PriceInput.key == key)
        if region:
            stmt = stmt.where(PriceInput.region == region)
        return self._session.scalars(stmt.limit(limit)).all()
