"""Quote use cases: price items, book a quote into a pickup, expire old quotes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import catalog
from ewaste.identity import Actor, Permission
from ewaste.pricing import rules
from ewaste.pricing.access import access_quote
from ewaste.pricing.models import Quote, QuoteLine, QuoteStatusChange
from ewaste.pricing.queries import QuoteView, quote_view
from ewaste.pricing.repository import QuoteRepository
from ewaste.pricing.rules import ItemRequest, QuoteEvent, QuoteExpired, QuoteStatus


def create_quote(
    session: Session,
    *,
    actor: Actor,
    items: Sequence[ItemRequest],
    now: datetime,
    valid_for: timedelta,
) -> QuoteView:
    """Price the items from the current price list; the quote binds until now + valid_for.

    Raises MissingPermission, InvalidQuoteRequest, CategoryNotFound. Nothing is
    stored when any item is refused.
    """
    actor.require(Permission.HOUSEHOLD_QUOTE_CREATE)
    rules.check_items(items)
    priced = []
    for item in items:
        facts = catalog.category(session, item.category_code)
        priced.append(
            rules.price_line(item, unit_price=facts.household_price, basis=facts.price_basis)
        )
    quote = Quote(
        household_id=actor.organisation_id,
        status=QuoteStatus.OPEN.value,
        created_at=now,
        expires_at=now + valid_for,
        total_fen=rules.quote_total(priced).minor,
    )
    lines = [
        QuoteLine(
            category_code=p.category_code,
            quantity=p.quantity,
            unit_price_fen=p.unit_price.minor,
            total_fen=p.total.minor,
            basis=p.basis[:400],
        )
        for p in priced
    ]
    QuoteRepository(session).add(quote, lines)
    return quote_view(session, quote)


def get_quote(session: Session, *, actor: Actor, quote_id: int) -> QuoteView:
    """The quote with its lines, if the actor may see it (QuoteNotFound otherwise)."""
    return quote_view(session, access_quote(session, actor=actor, quote_id=quote_id))


def book_quote(session: Session, *, actor: Actor, quote_id: int, now: datetime) -> QuoteView:
    """Mark an open, unexpired quote of the actor's household as booked; return it.

    Raises QuoteNotFound, QuoteExpired, IllegalQuoteTransition (already booked).
    """
    quote = access_quote(session, actor=actor, quote_id=quote_id, for_update=True)
    if quote.status == QuoteStatus.OPEN.value and rules.is_expired(quote.expires_at, now=now):
        raise QuoteExpired(quote_id=quote_id, expires_at=quote.expires_at.isoformat())
    _transition(session, quote, QuoteEvent.BOOK, actor_id=actor.user_id, now=now)
    return quote_view(session, quote)


def expire_due_quotes(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Expire open quotes whose binding period is over; return how many. Safe to run in parallel."""
    repo = QuoteRepository(session)
    quotes = repo.claim_due_for_expiry(now=now, limit=limit)
    for quote in quotes:
        _transition(session, quote, QuoteEvent.EXPIRE, actor_id=None, now=now)
    session.flush()
    return len(quotes)


def _transition(
    session: Session, quote: Quote, event: QuoteEvent, *, actor_id: int | None, now: datetime
) -> None:
    before, after = quote.apply(event)
    QuoteRepository(session).add_change(
        QuoteStatusChange(
            quote_id=quote.id,
            from_status=before,
            to_status=after,
            event=event.value,
            actor_id=actor_id,
            at=now,
        )
    )
