"""Mass: whole grams from 0 to 100 t, exact addition, exact kilogram text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.kernel.quantities import MAX_GRAMS, InvalidMass, Mass


@pytest.mark.parametrize("grams", [0, 1, 10_200, MAX_GRAMS])
def test_accepts_whole_grams_up_to_a_hundred_tonnes(grams: int) -> None:
    assert Mass(grams).grams == grams


@pytest.mark.parametrize("grams", [-1, MAX_GRAMS + 1, 1.5, 10.0, "100", True, None])
def test_refuses_negative_fractional_oversized_or_non_integer_masses(grams: object) -> None:
    with pytest.raises(InvalidMass) as caught:
        Mass(grams)  # type: ignore[arg-type]
    assert caught.value.code == "quantity.invalid_mass"


@given(st.integers(0, MAX_GRAMS // 2), st.integers(0, MAX_GRAMS // 2))
def test_adds_exactly(a: int, b: int) -> None:
    assert Mass(a) + Mass(b) == Mass(a + b)


def test_a_sum_above_the_limit_is_refused() -> None:
    with pytest.raises(InvalidMass):
        Mass(MAX_GRAMS) + Mass(1)


@pytest.mark.parametrize(
    ("grams", "text"), [(0, "0.000"), (5, "0.005"), (12_345, "12.345"), (10_200, "10.200")]
)
def test_kilogram_text_has_three_exact_decimals(grams: int, text: str) -> None:
    assert Mass(grams).kg_text() == text


def test_masses_order_by_weight() -> None:
    assert Mass(1) < Mass(2)
