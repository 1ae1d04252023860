"""The regulator report's pure rules: channels, months, dimensions, basis."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ewaste.analytics.rules import (
    OTHER_CHANNEL,
    Basis,
    Dimension,
    InvalidBasis,
    InvalidDimension,
    InvalidMonthRange,
    channel_of,
    china_month,
    parse_basis,
    parse_dimensions,
    parse_month_range,
)


@pytest.mark.parametrize(
    ("source_ref", "channel"),
    [("pickup:12", "household_pickup"), ("walk-in:3", OTHER_CHANNEL), ("", OTHER_CHANNEL)],
)
def test_a_unit_s_channel_comes_from_its_source_reference(source_ref: str, channel: str) -> None:
    assert channel_of(source_ref) == channel


def test_a_month_is_counted_in_china_time() -> None:
    # 31 Dec 17:00 UTC is already 1 January in Shenzhen
    assert china_month(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)) == "2026-01"
    assert china_month(datetime(2025, 12, 31, 15, 0, tzinfo=UTC)) == "2025-12"


def test_a_month_range_runs_from_the_first_china_midnight_to_the_one_after_the_last() -> None:
    months = parse_month_range("2026-11", " 2026-12 ")
    assert (months.first, months.last) == (date(2026, 11, 1), date(2026, 12, 1))
    assert months.bounds_utc() == (
        datetime(2026, 10, 31, 16, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 16, 0, tzinfo=UTC),
    )
    assert months.label == "2026-11..2026-12"
    assert parse_month_range("2026-03", "2026-03").label == "2026-03"


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2026-13", "2026-12"),
        ("1999-01", "1999-02"),
        ("2026-12", "2026-11"),
        ("2020-01", "2026-12"),
    ],
)
def test_a_bad_or_too_long_month_range_is_refused(first: str, last: str) -> None:
    with pytest.raises(InvalidMonthRange):
        parse_month_range(first, last)


def test_dimensions_come_back_in_their_canonical_order() -> None:
    assert parse_dimensions([]) == tuple(Dimension)
    assert parse_dimensions(["plant", " category", ""]) == (Dimension.CATEGORY, Dimension.PLANT)
    with pytest.raises(InvalidDimension):
        parse_dimensions(["colour"])


def test_the_basis_is_collected_or_dismantled() -> None:
    assert parse_basis("dismantled") is Basis.DISMANTLED
    with pytest.raises(InvalidBasis):
        parse_basis("shipped")
