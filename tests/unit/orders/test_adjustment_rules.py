"""Pure rules of door adjustments: what a proposal may hold, and who stands out."""

from __future__ import annotations

import pytest

from ewaste.orders.rules import (
    MAX_ADJUSTMENTS,
    AdjustmentRequest,
    InvalidAdjustment,
    adjustment_outliers,
    check_adjustments,
)


def test_one_photographed_deduction_per_unit_passes() -> None:
    check_adjustments(
        [AdjustmentRequest(0, "broken_screen", "p1"), AdjustmentRequest(0, "broken_screen", "p2")],
        quantities=[2],
    )


@pytest.mark.parametrize(
    ("requests", "quantities"),
    [
        ([], [1]),
        ([AdjustmentRequest(0, "broken_screen", "p")] * (MAX_ADJUSTMENTS + 1), [60]),
        ([AdjustmentRequest(1, "broken_screen", "p")], [1]),
        ([AdjustmentRequest(-1, "broken_screen", "p")], [1]),
        ([AdjustmentRequest(0, "broken_screen", "  ")], [1]),
        ([AdjustmentRequest(0, "broken_screen", "p" * 201)], [1]),
        ([AdjustmentRequest(0, "broken_screen", "p")] * 2, [1]),
    ],
    ids=["none", "too-many", "no-such-item", "negative-item", "no-photo", "long-photo", "extra"],
)
def test_malformed_proposals_are_refused(
    requests: list[AdjustmentRequest], quantities: list[int]
) -> None:
    with pytest.raises(InvalidAdjustment):
        check_adjustments(requests, quantities=quantities)


def test_outliers_against_the_median_of_peers() -> None:
    assert adjustment_outliers({1: (20, 1), 2: (20, 2), 3: (20, 1), 4: (20, 12)}) == {4}
    assert adjustment_outliers({1: (20, 1), 2: (20, 2), 3: (20, 12)}) == {3}  # odd count
    assert adjustment_outliers({1: (10, 0), 2: (10, 0), 3: (10, 3)}) == {3}  # median zero
    assert adjustment_outliers({1: (10, 0), 2: (10, 1)}) == set()  # one adjustment is no pattern
    assert adjustment_outliers({1: (4, 4)}) == set()  # too few pickups to judge
    assert adjustment_outliers({}) == set()
