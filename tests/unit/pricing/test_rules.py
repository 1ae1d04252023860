"""Quote rules: the state table, item checks, exact line prices, totals and expiry."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from ewaste.pricing.rules import (
    MAX_ITEMS_PER_QUOTE,
    MAX_QUANTITY_PER_ITEM,
    QUOTE_TRANSITIONS,
    IllegalQuoteTransition,
    InvalidPriceInput,
    InvalidQuoteRequest,
    ItemRequest,
    QuoteEvent,
    QuoteStatus,
    check_items,
    check_price_input,
    is_expired,
    next_quote_status,
    parse_yuan_to_micro,
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
        [ItemRequest("tv_flat", 0)],
        [ItemRequest("tv_flat", -1)],
        [ItemRequest("tv_flat", MAX_QUANTITY_PER_ITEM + 1)],
    ],
    ids=["empty", "too-many-kinds", "zero", "negative", "too-many"],
)
def test_unreasonable_item_lists_are_refused(items: list[ItemRequest]) -> None:
    with pytest.raises(InvalidQuoteRequest) as caught:
        check_items(items)
    assert caught.value.context == {"max_items": 20, "max_qty": 50}


@pytest.mark.parametrize(
    ("text", "micro"),
    [("43.2", 43_200_000), ("0.000125", 125), ("0", 0), (" 7 ", 7_000_000), ("1000000", 10**12)],
)
def test_yuan_text_becomes_exact_millionths(text: str, micro: int) -> None:
    assert parse_yuan_to_micro(text) == micro


@pytest.mark.parametrize("text", ["", "abc", "-1", "0.0000001", "1e999999", "1000000.01", "NaN"])
def test_bad_yuan_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidPriceInput):
        parse_yuan_to_micro(text)


@pytest.mark.parametrize(
    ("kind", "key", "region", "value", "source"),
    [
        ("gold", "x", "shenzhen", 1, "s"),
        ("commodity", "", "shenzhen", 1, "s"),
        ("commodity", "steel", "", 1, "s"),
        ("commodity", "steel", "shenzhen", 1, " "),
        ("commodity", "steel", "shenzhen", -1, "s"),
        ("subsidy_share", "household", "*", 10_001, "s"),
        ("commodity", "k" * 81, "shenzhen", 1, "s"),
    ],
    ids=["kind", "key", "region", "source", "negative", "share", "long-key"],
)
def test_malformed_price_inputs_are_refused(
    kind: str, key: str, region: str, value: int, source: str
) -> None:
    with pytest.raises(InvalidPriceInput):
        check_price_input(kind, key, region, value, source)


def test_a_well_formed_price_input_passes() -> None:
    assert check_price_input("commodity", "steel_scrap", "shenzhen", 1_950_000, "SteelOrbis")
    assert check_price_input("subsidy_share", "household", "*", 3000, "policy")


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
