"""Every statement that loads or writes quotes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.pricing.models import Quote, QuoteLine, QuoteStatusChange
from ewaste.pricing.rules import QuoteStatus


class QuoteRepository:
    """Loads and stores quotes with their lines and history."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, quote_id: int) -> Quote | None:
        """The quote with this id, if any."""
        return self._session.get(Quote, quote_id)

    def get_for_update(self, quote_id: int) -> Quote | None:
        """The quote with this id, row-locked on PostgreSQL."""
        stmt = select(Quote).where(Quote.id == quote_id).with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def lines(self, quote_id: int) -> Sequence[QuoteLine]:
        """The quote's lines in the order they were priced."""
        stmt = select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.id)
        return self._session.scalars(stmt).all()

    def add(self, quote: Quote, lines: Sequence[QuoteLine]) -> None:
        """Store a new quote and its lines."""
        self._session.add(quote)
        self._session.flush()
        for line in lines:
            line.quote_id = quote.id
            self._session.add(line)
        self._session.flush()

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
