"""Exchange rules: the lot state table, selections, prices, reconciliation and the fee split."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.exchange.rules import (
    LOT_TRANSITIONS,
    MAX_LOT_PRICE_FEN,
    MAX_UNITS_PER_SCAN,
    EmptySelection,
    IllegalLotTransition,
    InvalidPrice,
    LotEvent,
    LotStatus,
    ReceptionCheck,
    check_price,
    check_selection,
    next_lot_status,
    split_fee,
)
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.money import Money


@pytest.mark.parametrize(("status", "event"), list(itertools.product(LotStatus, LotEvent)))
def test_lot_transitions_match_the_table(status: LotStatus, event: LotEvent) -> None:
    expected = LOT_TRANSITIONS.get((status, event))
    if expected is None:
        with pytest.raises(IllegalLotTransition) as caught:
            next_lot_status(status, event)
        assert caught.value.code == "exchange.illegal_lot_transition"
    else:
        assert next_lot_status(status, event) is expected


@pytest.mark.parametrize("count", [1, 2, MAX_UNITS_PER_SCAN])
def test_a_selection_of_one_to_the_maximum_passes(count: int) -> None:
    check_selection(["EW000000000000"] * count)


@pytest.mark.parametrize("count", [0, MAX_UNITS_PER_SCAN + 1])
def test_an_empty_or_oversized_selection_is_refused(count: int) -> None:
    with pytest.raises(EmptySelection) as caught:
        check_selection(["EW000000000000"] * count)
    assert caught.value.context == {"maximum": MAX_UNITS_PER_SCAN}


@pytest.mark.parametrize("minor", [1, 48_000, MAX_LOT_PRICE_FEN])
def test_a_lot_price_within_range_passes(minor: int) -> None:
    check_price(Money(minor))


@pytest.mark.parametrize("minor", [0, -1, MAX_LOT_PRICE_FEN + 1])
def test_a_lot_price_out_of_range_is_refused(minor: int) -> None:
    with pytest.raises(InvalidPrice):
        check_price(Money(minor))


class TestReconciliation:
    """The weight is checked against the door weight of the units received (here all four
    units' 10 kg whatever was scanned, to look at the tolerance alone)."""

    def _check(self, units: int, grams: int, tolerance: int = 300) -> ReceptionCheck:
        return ReceptionCheck(
            lot_units=4,
            received_units=units,
            extra_units=0,
            expected_grams=10_000,
            received_grams=grams,
            tolerance_basis_points=tolerance,
        )

    def test_all_units_at_the_lot_weight_match(self) -> None:
        check = self._check(4, 10_000)
        assert check.missing_units == 0
        assert check.weight_within_tolerance
        assert check.kinds == ()

    @pytest.mark.parametrize("grams", [9_700, 10_300])
    def test_a_weight_exactly_at_the_tolerance_matches(self, grams: int) -> None:
        assert self._check(4, grams).kinds == ()

    @pytest.mark.parametrize("grams", [9_699, 10_301])
    def test_a_weight_beyond_the_tolerance_does_not_match(self, grams: int) -> None:
        check = self._check(4, grams)
        assert not check.weight_within_tolerance
        assert check.kinds != ()

    def test_a_missing_unit_does_not_match_even_at_the_right_weight(self) -> None:
        check = self._check(3, 10_000)
        assert check.missing_units == 1
        assert check.kinds != ()

    def test_zero_tolerance_needs_the_exact_weight(self) -> None:
        assert self._check(4, 10_000, tolerance=0).kinds == ()
        assert self._check(4, 10_001, tolerance=0).kinds != ()


class TestSplitFee:
    @given(st.integers(0, 10**11), st.integers(0, 10_000))
    def test_seller_share_and_fee_add_up_to_the_price(self, minor: int, bp: int) -> None:
        seller, fee = split_fee(Money(minor), fee_basis_points=bp)
        assert seller + fee == Money(minor)
        assert seller.minor >= 0
        assert fee.minor >= 0

    @given(st.integers(0, 10**11), st.integers(0, 10_000))
    def test_the_fee_is_the_rate_rounded_down_to_the_fen(self, minor: int, bp: int) -> None:
        _, fee = split_fee(Money(minor), fee_basis_points=bp)
        assert fee.minor == minor * bp // 10_000

    def test_two_percent_of_480_yuan_is_9_60(self) -> None:
        assert split_fee(Money(48_000), fee_basis_points=200) == (Money(47_040), Money(960))

    def test_no_fee_leaves_everything_to_the_seller(self) -> None:
        assert split_fee(Money(48_000), fee_basis_points=0) == (Money(48_000), Money(0))

    def test_a_full_fee_leaves_nothing_to_the_seller(self) -> None:
        assert split_fee(Money(48_000), fee_basis_points=10_000) == (Money(0), Money(48_000))

    @pytest.mark.parametrize("bp", [-1, 10_001])
    def test_a_fee_rate_outside_zero_to_a_hundred_percent_is_refused(self, bp: int) -> None:
        with pytest.raises(InvalidInput):
            split_fee(Money(48_000), fee_basis_points=bp)
