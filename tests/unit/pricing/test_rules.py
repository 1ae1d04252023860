"""Quote rules: the state table, item checks, exact line prices, totals and expiry."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from ewaste.kernel.money import Money
from ewaste.pricing.rules import (
    MAX_ITEMS_PER_QUOTE,
    MAX_QUANTITY_PER_ITEM,
    QUOTE_TRANSITIONS,
    IllegalQuoteTransition,
    InvalidQuoteRequest,
    ItemRequest,
    PricedLine,
    QuoteEvent,
    QuoteStatus,
    check_items,
    is_expired,
    next_quote_status,
    price_line,
    quote_total,
)

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "event"), list(itertools.product(QuoteStatus, QuoteEvent)))
def test_quote_transitions_match_the_table(status: QuoteStatus, event: QuoteEvent) -> None:
    expected = QUOTE_TRANSITIONS.get((status, event))
    if expected is None:
        with pytest.raises(IllegalQuoteTransition):
            next_quote_status(status, event)
    else:
        assert next_quote_status(status, event) is expected


@pytest.mark.parametrize(
    "items",
    [
        [ItemRequest("tv_flat", 1)],
        [ItemRequest("tv_flat", MAX_QUANTITY_PER_ITEM)],
        [ItemRequest(f"c{i}", 1) for i in range(MAX_ITEMS_PER_QUOTE)],
    ],
    ids=["one", "most-of-one", "most-kinds"],
)
def test_reasonable_item_lists_pass(items: list[ItemRequest]) -> None:
    check_items(items)


@pytest.mark.parametrize(
    "items",
    [
        [],
        [ItemRequest(f"c{i}", 1) for i in range(MAX_ITEMS_PER_QUOTE + 1)],
        [ItemRequest("tv_flat", 1), ItemRequest("tv_flat", 2)],
        [ItemRequest("tv_flat", 0)],
        [ItemRequest("tv_flat", -1)],
        [ItemRequest("tv_flat", MAX_QUANTITY_PER_ITEM + 1)],
    ],
    ids=["empty", "too-many-kinds", "duplicate", "zero", "negative", "too-many"],
)
def test_unreasonable_item_lists_are_refused(items: list[ItemRequest]) -> None:
    with pytest.raises(InvalidQuoteRequest) as caught:
        check_items(items)
    assert caught.value.context == {"max_items": 20, "max_qty": 50}


def test_a_line_is_quantity_times_unit_price_exactly() -> None:
    line = price_line(ItemRequest("tv_flat", 3), unit_price=Money(3000), basis="list")
    assert line == PricedLine("tv_flat", 3, Money(3000), Money(9000), "list")


def test_the_total_is_the_sum_of_the_lines() -> None:
    lines = [
        price_line(ItemRequest("tv_flat", 2), unit_price=Money(3000), basis=""),
        price_line(ItemRequest("laptop", 1), unit_price=Money(1555), basis=""),
    ]
    assert quote_total(lines) == Money(7555)


def test_an_empty_quote_totals_zero() -> None:
    assert quote_total([]) == Money(0)


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        (NOW - timedelta(seconds=1), False),
        (NOW, True),
        (NOW + timedelta(days=1), True),
    ],
    ids=["before", "at-the-end", "after"],
)
def test_a_quote_expires_at_the_exclusive_end_of_its_period(now: datetime, expired: bool) -> None:
    assert is_expired(NOW, now=now) is expired
