"""Who may see a quote."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.identity import Actor, Permission
from ewaste.pricing.models import Quote
from ewaste.pricing.repository import QuoteRepository
from ewaste.pricing.rules import QuoteNotFound


def access_quote(
    session: Session, *, actor: Actor, quote_id: int, for_update: bool = False
) -> Quote:
    """Return the quote if it is the actor's household's own (or the actor is staff).

    Answers QuoteNotFound for anyone else so that quote ids cannot be probed.
    """
    repo = QuoteRepository(session)
    quote = repo.get_for_update(quote_id) if for_update else repo.get(quote_id)
    if quote is None:
        raise QuoteNotFound(quote_id=quote_id)
    if actor.can(Permission.STAFF_PICKUP_READ):
        return quote
    if not actor.can(Permission.HOUSEHOLD_QUOTE_READ):
        raise QuoteNotFound(quote_id=quote_id)
    if quote.household_id != actor.organisation_id:
        raise QuoteNotFound(quote_id=quote_id)
    return quote
