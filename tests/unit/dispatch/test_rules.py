"""Dispatch rules: vehicle capacity and the nearest collector with room."""

from __future__ import annotations

import pytest

from ewaste.dispatch.rules import (
    MAX_CAPACITY_GRAMS,
    Candidate,
    InvalidCapacity,
    check_capacity,
    nearest_eligible,
)
from ewaste.kernel.geo import GeoPoint

FUTIAN = GeoPoint(22.5223, 114.0553)
NANSHAN = GeoPoint(22.5329, 113.9305)
LONGGANG = GeoPoint(22.7200, 114.2470)


@pytest.mark.parametrize("grams", [1000, 2_000_000, MAX_CAPACITY_GRAMS])
def test_a_capacity_from_one_kilogram_to_twenty_tonnes_passes(grams: int) -> None:
    check_capacity(grams)


@pytest.mark.parametrize("grams", [0, 999, MAX_CAPACITY_GRAMS + 1])
def test_a_capacity_outside_the_range_is_refused(grams: int) -> None:
    with pytest.raises(InvalidCapacity) as caught:
        check_capacity(grams)
    assert caught.value.context == {"grams": grams}


def test_spare_capacity_is_what_the_vehicle_can_still_take() -> None:
    assert Candidate(1, FUTIAN, 100_000, 30_000).spare_grams == 70_000


def test_no_candidates_means_nobody() -> None:
    assert nearest_eligible([], at=FUTIAN, grams=1) is None


def test_the_nearest_collector_with_room_is_chosen() -> None:
    near = Candidate(1, NANSHAN, 100_000, 0)
    far = Candidate(2, LONGGANG, 100_000, 0)
    assert nearest_eligible([far, near], at=FUTIAN, grams=10_000) == near


def test_a_nearer_collector_without_room_is_passed_over() -> None:
    full = Candidate(1, FUTIAN, 100_000, 95_000)
    far = Candidate(2, LONGGANG, 100_000, 0)
    assert nearest_eligible([full, far], at=FUTIAN, grams=10_000) == far


def test_exactly_enough_room_is_enough() -> None:
    exact = Candidate(1, FUTIAN, 100_000, 90_000)
    assert nearest_eligible([exact], at=FUTIAN, grams=10_000) == exact


def test_nobody_has_room() -> None:
    assert nearest_eligible([Candidate(1, FUTIAN, 1000, 0)], at=FUTIAN, grams=1001) is None


def test_a_tie_goes_to_the_lower_id() -> None:
    first, second = Candidate(3, NANSHAN, 100_000, 0), Candidate(7, NANSHAN, 100_000, 0)
    assert nearest_eligible([second, first], at=FUTIAN, grams=1) == first
