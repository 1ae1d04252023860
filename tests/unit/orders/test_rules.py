"""Pickup rules: the state table, booking windows, contact, address and door checks."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from ewaste.orders.rules import (
    MAX_LEAD,
    MAX_WINDOW,
    PICKUP_TRANSITIONS,
    IllegalPickupTransition,
    InvalidAddress,
    InvalidContact,
    InvalidWindow,
    ItemsDoNotMatchQuote,
    PickupEvent,
    PickupStatus,
    TimeWindow,
    check_address,
    check_contact,
    check_items_match,
    check_window,
    next_pickup_status,
)

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(("status", "event"), list(itertools.product(PickupStatus, PickupEvent)))
def test_pickup_transitions_match_the_table(status: PickupStatus, event: PickupEvent) -> None:
    expected = PICKUP_TRANSITIONS.get((status, event))
    if expected is None:
        with pytest.raises(IllegalPickupTransition) as caught:
            next_pickup_status(status, event)
        assert caught.value.context == {"event": event.value, "current": status.value}
    else:
        assert next_pickup_status(status, event) is expected


def test_collected_cancelled_and_expired_pickups_are_final() -> None:
    final = {PickupStatus.COLLECTED, PickupStatus.CANCELLED, PickupStatus.EXPIRED}
    assert not [key for key in PICKUP_TRANSITIONS if key[0] in final]


class TestWindow:
    @pytest.mark.parametrize(
        "window",
        [
            TimeWindow(NOW + HOUR, NOW + 3 * HOUR),
            TimeWindow(NOW - HOUR, NOW + HOUR),
            TimeWindow(NOW + HOUR, NOW + HOUR + MAX_WINDOW),
            TimeWindow(NOW + MAX_LEAD, NOW + MAX_LEAD + HOUR),
            TimeWindow(NOW, NOW + timedelta(seconds=1)),
        ],
        ids=["ahead", "under-way", "longest", "furthest", "shortest"],
    )
    def test_usable_windows_pass(self, window: TimeWindow) -> None:
        check_window(window, now=NOW)

    @pytest.mark.parametrize(
        "window",
        [
            TimeWindow(NOW.replace(tzinfo=None) + HOUR, NOW + 2 * HOUR),
            TimeWindow(NOW + HOUR, NOW.replace(tzinfo=None) + 2 * HOUR),
            TimeWindow(NOW + 2 * HOUR, NOW + HOUR),
            TimeWindow(NOW + HOUR, NOW + HOUR),
            TimeWindow(NOW - 2 * HOUR, NOW),
            TimeWindow(NOW + HOUR, NOW + HOUR + MAX_WINDOW + timedelta(seconds=1)),
            TimeWindow(NOW + MAX_LEAD + timedelta(seconds=1), NOW + MAX_LEAD + 2 * HOUR),
        ],
        ids=["naive-start", "naive-end", "reversed", "empty", "over", "too-long", "too-far"],
    )
    def test_unusable_windows_are_refused(self, window: TimeWindow) -> None:
        with pytest.raises(InvalidWindow) as caught:
            check_window(window, now=NOW)
        assert caught.value.context == {"max_hours": 8, "max_days": 14}


class TestContact:
    @pytest.mark.parametrize(
        ("name", "phone", "expected"),
        [
            (" 李女士 ", " 13800138000 ", ("李女士", "13800138000")),
            ("A", "+86 138-0013-8000", ("A", "+86 138-0013-8000")),
            ("x" * 60, "12345", ("x" * 60, "12345")),
        ],
    )
    def test_usable_contacts_are_trimmed(
        self, name: str, phone: str, expected: tuple[str, str]
    ) -> None:
        assert check_contact(name, phone) == expected

    @pytest.mark.parametrize(
        ("name", "phone"),
        [
            ("", "13800138000"),
            ("   ", "13800138000"),
            ("x" * 61, "13800138000"),
            ("李女士", "1234"),
            ("李女士", "1" * 21),
            ("李女士", "138-0013-800a"),
            ("李女士", "-13800138000"),
            ("李女士", "13800138000-"),
            ("李女士", ""),
        ],
    )
    def test_unusable_contacts_are_refused(self, name: str, phone: str) -> None:
        with pytest.raises(InvalidContact):
            check_contact(name, phone)


class TestAddress:
    def test_an_address_is_trimmed(self) -> None:
        assert check_address("  福田区深南大道1号 ") == "福田区深南大道1号"

    def test_three_hundred_characters_are_enough(self) -> None:
        assert check_address("路" * 300) == "路" * 300

    @pytest.mark.parametrize("address", ["", "   ", "路" * 301])
    def test_empty_or_overlong_addresses_are_refused(self, address: str) -> None:
        with pytest.raises(InvalidAddress):
            check_address(address)


class TestItemsAtTheDoor:
    def test_the_quoted_items_in_any_order_match(self) -> None:
        check_items_match({"tv_flat": 2, "laptop": 1}, ["laptop", "tv_flat", "tv_flat"])

    @pytest.mark.parametrize(
        ("door", "found"),
        [
            (["tv_flat"], "1× tv_flat"),
            (["tv_flat", "tv_flat", "tv_flat"], "3× tv_flat"),
            (["tv_flat", "tv_flat", "phone"], "1× phone, 2× tv_flat"),
            ([], "nothing"),
        ],
    )
    def test_missing_extra_or_other_items_are_refused(self, door: list[str], found: str) -> None:
        with pytest.raises(ItemsDoNotMatchQuote) as caught:
            check_items_match({"tv_flat": 2}, door)
        assert caught.value.context == {"found": found, "expected": "2× tv_flat"}
