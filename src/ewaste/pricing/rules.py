"""Quote rules: quote states, what a quote request and a price input may hold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, DecimalException
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound


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
    """What the household says it has: a category, its attributes, its state, how many."""

    category_code: str
    quantity: int = 1
    attributes: Mapping[str, object] = field(default_factory=dict)
    works: bool = True
    conditions: tuple[str, ...] = ()
    producer: str = ""


class PriceKind(StrEnum):
    """The kinds of price input an operator maintains."""

    COMMODITY = "commodity"
    TREATMENT_PER_KG = "treatment_per_kg"
    TREATMENT_PER_UNIT = "treatment_per_unit"
    REUSE = "reuse"
    BONUS = "bonus"
    TRANSPORT_PER_KM = "transport_per_km"
    TRANSPORT_PER_KG = "transport_per_kg"
    SUBSIDY_SHARE = "subsidy_share"


class InvalidPriceInput(InvalidInput):
    """A price input with an unknown kind, an empty key or source, or a bad value."""

    code = "pricing.invalid_price_input"
    message = "Price input refused: {problem}."


class NoPriceBook(Conflict):
    """A region without the price inputs a quote needs."""

    code = "pricing.no_price_book"
    message = "No prices are set for region {region!r} (missing: {missing})."


class NoLocation(InvalidInput):
    """A quote without a pickup location, and none on the household's record."""

    code = "pricing.no_location"
    message = "Give the pickup location so that transport can be priced."


MAX_SHARE_BP: Final = 10_000
MAX_MICRO_YUAN: Final = 10**12  # one million yuan per kg or unit: nothing costs more


def check_items(items: Sequence[ItemRequest]) -> None:
    """Raise InvalidQuoteRequest unless there are 1–20 items with a quantity of 1–50 each."""
    if (
        not items
        or len(items) > MAX_ITEMS_PER_QUOTE
        or any(not 1 <= i.quantity <= MAX_QUANTITY_PER_ITEM for i in items)
    ):
        raise InvalidQuoteRequest(max_items=MAX_ITEMS_PER_QUOTE, max_qty=MAX_QUANTITY_PER_ITEM)


def parse_yuan_to_micro(text: str) -> int:
    """Millionths of a yuan from a decimal string ("43.2", "0.000125"); InvalidPriceInput else."""
    try:
        value = Decimal(text.strip()) * 1_000_000
    except (DecimalException, AttributeError):
        raise InvalidPriceInput(problem=f"{text!r} is not a decimal amount of yuan") from None
    if (
        not value.is_finite()
        or value != value.to_integral_value()
        or not 0 <= value <= MAX_MICRO_YUAN
    ):
        raise InvalidPriceInput(problem=f"{text!r} must be 0–1,000,000 yuan, at most 6 decimals")
    return int(value)


def check_price_input(kind: str, key: str, region: str, value: int, source: str) -> PriceKind:
    """Return the kind, or raise InvalidPriceInput for anything malformed."""
    try:
        parsed = PriceKind(kind)
    except ValueError:
        raise InvalidPriceInput(problem=f"unknown kind {kind!r}") from None
    if not key.strip() or len(key) > 80 or not region.strip() or len(region) > 40:
        raise InvalidPriceInput(problem="key and region are required (≤ 80 / 40 characters)")
    if not source.strip() or len(source) > 1000:
        raise InvalidPriceInput(problem="every price needs its source (≤ 1,000 characters)")
    if parsed is PriceKind.SUBSIDY_SHARE and not 0 <= value <= MAX_SHARE_BP:
        raise InvalidPriceInput(problem="a subsidy share is 0–10,000 basis points")
    if not 0 <= value <= MAX_MICRO_YUAN:
        raise InvalidPriceInput(problem="value out of range")
    return parsed


def is_expired(expires_at: datetime, *, now: datetime) -> bool:
    """True once `now` has reached the end of the binding period (exclusive end)."""
    return now >= expires_at
