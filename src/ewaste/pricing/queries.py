"""Read models of quotes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.kernel.money import Money
from ewaste.pricing.models import Quote, QuoteLine


@dataclass(frozen=True, slots=True)
class QuoteLineView:
    """A line as shown to the household."""

    category_code: str
    quantity: int
    unit_price: Money
    total: Money
    basis: str


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote with its lines."""

    id: int
    household_id: int
    status: str
    created_at: datetime
    expires_at: datetime
    total: Money
    lines: tuple[QuoteLineView, ...]


def quote_view(session: Session, quote: Quote) -> QuoteView:
    """The quote with its lines, as a read model."""
    stmt = select(QuoteLine).where(QuoteLine.quote_id == quote.id).order_by(QuoteLine.id)
    lines = tuple(
        QuoteLineView(
            ln.category_code, ln.quantity, Money(ln.unit_price_fen), Money(ln.total_fen), ln.basis
        )
        for ln in session.scalars(stmt)
    )
    return QuoteView(
        quote.id,
        quote.household_id,
        quote.status,
        quote.created_at,
        quote.expires_at,
        Money(quote.total_fen),
        lines,
    )


def open_quotes_of(session: Session, household_id: int) -> Sequence[QuoteView]:
    """A household's open quotes, newest first."""
    stmt = (
        select(Quote)
        .where(Quote.household_id == household_id, Quote.status == "open")
        .order_by(Quote.id.desc())
    )
    return [quote_view(session, q) for q in session.scalars(stmt)]


def quote_by_id(session: Session, quote_id: int) -> QuoteView | None:
    """A quote by id for other domains that have already checked access to what holds it."""
    quote = session.get(Quote, quote_id)
    return quote_view(session, quote) if quote is not None else None
