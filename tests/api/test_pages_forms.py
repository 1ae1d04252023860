"""Pages: reading typed form text into grams, money, slots and codes (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ewaste.kernel.money import InvalidAmount, Money
from ewaste.web.pages import forms


@pytest.mark.parametrize(
    ("typed", "grams"),
    [("12.5", 12_500), ("9,875", 9_875), ("0.001", 1), (" 40 ", 40_000), ("100000", 100_000_000)],
)
def test_kilograms_become_whole_grams(typed: str, grams: int) -> None:
    assert forms.grams_from_kg(typed) == grams


@pytest.mark.parametrize(
    "typed", ["", "abc", "-2", "0", "1.0005", "1e3", "1e999999999", "NaN", "Infinity", "100001"]
)
def test_a_weight_that_is_not_plain_kilograms_is_refused(typed: str) -> None:
    with pytest.raises(forms.InvalidWeight):
        forms.grams_from_kg(typed)


def test_zero_is_allowed_where_asked_for() -> None:
    assert forms.grams_from_kg("0", allow_zero=True) == 0


@pytest.mark.parametrize(("typed", "fen"), [("480", 48_000), ("1,480.50", 148_050), ("0.01", 1)])
def test_yuan_become_money(typed: str, fen: int) -> None:
    assert forms.yuan(typed) == Money(fen)


@pytest.mark.parametrize("typed", ["", "480.001", "-5", "1e999999999", "NaN", "¥480"])
def test_a_price_that_is_not_plain_yuan_is_refused(typed: str) -> None:
    with pytest.raises(InvalidAmount):
        forms.yuan(typed)


@pytest.mark.parametrize("typed", ["north", "1e400", "NaN", ""])
def test_a_coordinate_must_be_decimal_degrees(typed: str) -> None:
    with pytest.raises(forms.InvalidCoordinate):
        forms.coordinate(typed)


def test_a_slot_is_read_as_china_time() -> None:
    assert forms.slot_start("2026-11-24T12:00") == datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    with pytest.raises(forms.InvalidSlot):
        forms.slot_start("noon")


def test_offered_slots_are_two_hours_in_working_hours_after_now() -> None:
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shenzhen
    slots = forms.offered_slots(now)
    assert slots[0][0] == datetime(2026, 11, 24, 4, 0, tzinfo=UTC)  # 12:00 local
    assert all(end - start == forms.SLOT_LENGTH and start > now for start, end in slots)
    assert len(slots) == forms.SLOT_DAYS * len(forms.SLOT_HOURS)


def test_unit_codes_are_split_on_lines_commas_and_spaces() -> None:
    assert forms.unit_codes(" EW1\nEW2, EW3  EW4\n\n") == ["EW1", "EW2", "EW3", "EW4"]


@pytest.mark.parametrize("typed", ["", "x", "1.5", "9" * 13, "²", "１２", "-²"])
def test_a_whole_number_is_digits_only(typed: str) -> None:
    with pytest.raises(forms.InvalidNumber):
        forms.whole_number(typed)
