"""Dismantling rules: output fractions and line names."""

from __future__ import annotations

import pytest

from ewaste.compliance.rules import (
    OVERWEIGHT_ALLOWANCE_BP,
    Fraction,
    InvalidFractions,
    InvalidLine,
    check_fractions,
    check_line,
)

DOOR = 10_000
LIMIT = DOOR + DOOR * OVERWEIGHT_ALLOWANCE_BP // 10_000


def test_known_fractions_are_returned_as_enum_keys() -> None:
    outputs = check_fractions({"plastics": 5000, "glass": 0}, door_grams=DOOR)
    assert outputs == {Fraction.PLASTICS: 5000, Fraction.GLASS: 0}


def test_output_may_exceed_the_door_weight_by_the_allowance() -> None:
    assert check_fractions({"other": LIMIT}, door_grams=DOOR) == {Fraction.OTHER: LIMIT}


@pytest.mark.parametrize(
    "fractions",
    [
        {},
        {"gold_bars": 10},
        {"plastics": -1, "glass": 10},
        {"plastics": 1.5},
        {"plastics": "100"},
        {"plastics": 0},
        {"plastics": LIMIT + 1},
        {"plastics": LIMIT, "glass": 1},
    ],
    ids=["empty", "unknown", "negative", "float", "text", "nothing", "too-heavy", "sum-heavy"],
)
def test_unusable_fractions_are_refused_with_the_limit(fractions: dict[str, object]) -> None:
    with pytest.raises(InvalidFractions) as caught:
        check_fractions(fractions, door_grams=DOOR)  # type: ignore[arg-type]
    assert caught.value.context == {"limit": LIMIT}


def test_a_line_name_is_trimmed() -> None:
    assert check_line("  L1 ") == "L1"
    assert check_line("x" * 40) == "x" * 40


@pytest.mark.parametrize("line", ["", "   ", "x" * 41])
def test_an_empty_or_overlong_line_name_is_refused(line: str) -> None:
    with pytest.raises(InvalidLine):
        check_line(line)
