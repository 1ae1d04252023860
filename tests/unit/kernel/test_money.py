"""Money: exact integer fen, parsing, arithmetic, one rounding helper, allocation, formatting."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.money import (
    Currency,
    CurrencyMismatch,
    InvalidAmount,
    Money,
    fen,
    format_money,
    round_minor,
    yuan,
)

# Only CNY exists today. A second currency is stood in by a plain value so that the
# guards that keep currencies apart are exercised before a real one is added.
USD = cast(Currency, "USD")

amounts = st.integers(min_value=-(10**12), max_value=10**12)


class TestConstruction:
    def test_defaults_to_cny(self) -> None:
        assert Money(1250).currency is Currency.CNY

    def test_cny_has_a_hundred_fen_to_the_yuan(self) -> None:
        assert Currency.CNY.minor_per_major == 100

    @pytest.mark.parametrize("minor", [1.5, Decimal("1"), "100", True, False, None])
    def test_refuses_anything_but_an_integer_of_minor_units(self, minor: object) -> None:
        with pytest.raises(InvalidAmount):
            Money(minor)  # type: ignore[arg-type]

    def test_zero_is_nothing_in_the_currency(self) -> None:
        assert Money.zero() == Money(0, Currency.CNY)
        assert not Money.zero().is_positive()

    def test_shorthands_build_cny(self) -> None:
        assert fen(5) == Money(5)
        assert yuan("12.50") == Money(1250)

    def test_amounts_order_by_value(self) -> None:
        assert Money(1) < Money(2)
        assert sorted([Money(3), Money(-1), Money(2)]) == [Money(-1), Money(2), Money(3)]


class TestParse:
    @pytest.mark.parametrize(
        ("text", "minor"),
        [
            ("12.50", 1250),
            ("12.5", 1250),
            ("0.01", 1),
            ("7", 700),
            (" 3.00 ", 300),
            ("-1.25", -125),
            ("1e2", 10_000),
            ("1.0000", 100),
            ("0", 0),
        ],
    )
    def test_reads_major_units_exactly(self, text: str, minor: int) -> None:
        assert Money.parse(text) == Money(minor)

    @pytest.mark.parametrize(
        "text", ["12.345", "0.001", "abc", "", "1,00", "NaN", "Infinity", "-inf", "¥5"]
    )
    def test_refuses_text_that_is_not_a_whole_number_of_fen(self, text: str) -> None:
        with pytest.raises(InvalidAmount) as caught:
            Money.parse(text)
        assert caught.value.code == "money.invalid_amount"

    def test_refuses_a_value_that_is_not_text(self) -> None:
        with pytest.raises(InvalidAmount):
            Money.parse(None)  # type: ignore[arg-type]

    def test_refuses_an_astronomic_exponent_as_an_invalid_amount(self) -> None:
        with pytest.raises(InvalidAmount):
            Money.parse("1e999999")

    @given(amounts)
    def test_round_trips_through_its_decimal_string(self, minor: int) -> None:
        money = Money(minor)
        assert Money.parse(money.as_decimal_string()) == money


class TestArithmetic:
    @given(amounts, amounts)
    def test_adds_and_subtracts_exactly(self, a: int, b: int) -> None:
        assert Money(a) + Money(b) == Money(a + b)
        assert Money(a) - Money(b) == Money(a - b)
        assert (Money(a) + Money(b)) - Money(b) == Money(a)

    def test_negation_flips_the_sign(self) -> None:
        assert -Money(125) == Money(-125)

    def test_adding_another_currency_is_refused(self) -> None:
        with pytest.raises(CurrencyMismatch) as caught:
            Money(100) + Money(100, USD)
        assert caught.value.code == "money.currency_mismatch"

    def test_subtracting_another_currency_is_refused(self) -> None:
        with pytest.raises(CurrencyMismatch):
            Money(100) - Money(100, USD)

    def test_times_int_is_exact(self) -> None:
        assert Money(3000).times_int(3) == Money(9000)
        assert Money(-7).times_int(0) == Money(0)

    @pytest.mark.parametrize(
        ("minor", "factor", "rounding", "expected"),
        [
            (5, Decimal("0.5"), ROUND_HALF_EVEN, 2),
            (7, Decimal("0.5"), ROUND_HALF_EVEN, 4),
            (5, Decimal("0.5"), ROUND_HALF_UP, 3),
            (999, Decimal("0.001"), ROUND_DOWN, 0),
            (48000, Decimal("0.02"), ROUND_HALF_EVEN, 960),
        ],
    )
    def test_times_rounds_once_with_the_named_mode(
        self, minor: int, factor: Decimal, rounding: str, expected: int
    ) -> None:
        assert Money(minor).times(factor, rounding=rounding) == Money(expected)

    def test_times_rounds_half_to_even_by_default(self) -> None:
        assert Money(5).times(Decimal("0.5")) == Money(2)

    def test_the_rounding_helper_rounds_half_to_even_unless_told(self) -> None:
        assert round_minor(Decimal("2.5")) == 2
        assert round_minor(Decimal("3.5")) == 4
        assert round_minor(Decimal("2.5"), rounding=ROUND_HALF_UP) == 3


class TestAllocate:
    @given(amounts, st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8))
    def test_parts_always_sum_to_the_whole(self, minor: int, ratios: list[int]) -> None:
        if sum(ratios) == 0:
            ratios = [*ratios, 1]
        parts = Money(minor).allocate(ratios)
        assert len(parts) == len(ratios)
        assert sum(p.minor for p in parts) == minor
        assert {p.currency for p in parts} == {Currency.CNY}

    @given(amounts, st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=8))
    def test_no_part_is_more_than_a_fen_from_its_exact_share(
        self, minor: int, ratios: list[int]
    ) -> None:
        total = sum(ratios)
        for part, ratio in zip(Money(minor).allocate(ratios), ratios, strict=True):
            assert abs(Decimal(part.minor) - Decimal(minor) * ratio / total) <= 1

    @given(
        st.integers(min_value=0, max_value=10**12),
        st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8),
    )
    def test_parts_of_a_positive_amount_are_never_negative(
        self, minor: int, ratios: list[int]
    ) -> None:
        if sum(ratios) == 0:
            ratios = [*ratios, 1]
        assert all(p.minor >= 0 for p in Money(minor).allocate(ratios))

    def test_leftover_fen_go_to_the_earliest_parts(self) -> None:
        assert Money(100).allocate([1, 1, 1]) == [Money(34), Money(33), Money(33)]
        assert Money(2).allocate([1, 1, 1]) == [Money(1), Money(1), Money(0)]

    def test_a_negative_amount_splits_and_still_sums(self) -> None:
        assert Money(-1).allocate([1, 1]) == [Money(0), Money(-1)]

    def test_a_part_with_a_zero_ratio_gets_nothing(self) -> None:
        assert Money(1).allocate([0, 1, 1])[0] == Money(0)

    def test_a_part_whose_exact_share_is_whole_gets_exactly_that(self) -> None:
        parts = Money(3).allocate([2, 1, 1, 2])
        assert (parts[0], parts[3]) == (Money(1), Money(1))

    @pytest.mark.parametrize("ratios", [[], [0, 0], [1, -1], [-1]])
    def test_refuses_empty_negative_or_all_zero_ratios(self, ratios: list[int]) -> None:
        with pytest.raises(InvalidInput):
            Money(100).allocate(ratios)


class TestFormatting:
    @pytest.mark.parametrize(
        ("minor", "text"),
        [
            (0, "0.00"),
            (5, "0.05"),
            (1250, "12.50"),
            (123_456, "1234.56"),
            (-5, "-0.05"),
            (-100, "-1.00"),
            (-123_456, "-1234.56"),
        ],
    )
    def test_decimal_string_is_exact_with_two_decimals(self, minor: int, text: str) -> None:
        assert Money(minor).as_decimal_string() == text

    @pytest.mark.parametrize(
        ("minor", "text"),
        [
            (1250, "¥12.50"),
            (0, "¥0.00"),
            (-5, "-¥0.05"),
            (-1250, "-¥12.50"),
            (1_095_000_000, "¥10,950,000.00"),
            (-123_456, "-¥1,234.56"),
        ],
    )
    @pytest.mark.parametrize("locale", ["en", "zh_CN"])
    def test_people_see_the_yuan_sign_before_the_digits(
        self, minor: int, text: str, locale: str
    ) -> None:
        assert format_money(Money(minor), locale) == text

    def test_format_defaults_to_english(self) -> None:
        assert format_money(Money(1)) == "¥0.01"
