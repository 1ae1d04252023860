"""Quote rules: the foundation's per-category price list, line by line, and quote states."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from ewaste.kernel.money import Money


class QuoteStatus(StrEnum):
    """Lifecycle of a quote."""

    OPEN = "open"
    BOOKED = "booked"
    EXPIRED = "expired"


class QuoteEvent(StrEnum):
    """What can happen to a quote."""

    BOOK = "book"
    EXPIRE = "expire"


QUOTE_TRANSITIONS: Final[Mapping[tuple[QuoteStatus, QuoteEvent], QuoteStatus]] = {
    (QuoteStatus.OPEN, QuoteEvent.BOOK): QuoteStatus.BOOKED,
    (QuoteStatus.OPEN, QuoteEvent.EXPIRE): QuoteStatus.EXPIRED,
}


class IllegalQuoteTransition(IllegalTransition):
    """A quote was asked to move in a way its table does not allow."""

    code = "pricing.illegal_quote_transition"
    message = "Cannot {event} a quote that is {current}."


class QuoteNotFound(NotFound):
    """No quote with this id (or not the actor's)."""

    code = "pricing.quote_not_found"
    message = "Quote {quote_id} not found."


class QuoteExpired(Conflict):
    """The quote's binding period is over."""

    code = "pricing.quote_expired"
    message = "Quote {quote_id} expired at {expires_at}; ask for a new quote."


class InvalidQuoteRequest(InvalidInput):
    """A quote request without items, with a bad quantity, or with too many items."""

    code = "pricing.invalid_quote_request"
    message = "A quote needs 1–{max_items} distinct items, each with a quantity of 1–{max_qty}."


MAX_ITEMS_PER_QUOTE: Final = 20
MAX_QUANTITY_PER_ITEM: Final = 50


def next_quote_status(current: QuoteStatus, event: QuoteEvent) -> QuoteStatus:
    """The status after `event`, or raise IllegalQuoteTransition."""
    try:
        return QUOTE_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalQuoteTransition(event=event.value, current=current.value) from None


@dataclass(frozen=True, slots=True)
class ItemRequest:
    """What the household says it has: a category and how many."""

    category_code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class PricedLine:
    """One line of a quote: quantity × unit price, with where the price came from."""

    category_code: str
    quantity: int
    unit_price: Money
    total: Money
    basis: str


def check_items(items: Sequence[ItemRequest]) -> None:
    """Raise InvalidQuoteRequest unless the items are 1–20 distinct categories, 1–50 each."""
    codes = [i.category_code for i in items]
    if (
        not items
        or len(items) > MAX_ITEMS_PER_QUOTE
        or len(set(codes)) != len(codes)
        or any(not 1 <= i.quantity <= MAX_QUANTITY_PER_ITEM for i in items)
    ):
        raise InvalidQuoteRequest(max_items=MAX_ITEMS_PER_QUOTE, max_qty=MAX_QUANTITY_PER_ITEM)


def price_line(item: ItemRequest, *, unit_price: Money, basis: str) -> PricedLine:
    """Price one line exactly: a whole count times a price in fen needs no rounding."""
    return PricedLine(
        item.category_code, item.quantity, unit_price, unit_price.times_int(item.quantity), basis
    )


def quote_total(lines: Sequence[PricedLine]) -> Money:
    """The sum of the lines."""
    total = Money.zero()
    for line in lines:
        total = total + line.total
    return total


def is_expired(expires_at: datetime, *, now: datetime) -> bool:
    """True once `now` has reached the end of the binding period (exclusive end)."""
    return now >= expires_at
