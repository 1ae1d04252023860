"""Clocks: the system clock, a frozen clock for tests, and UTC normalisation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ewaste.kernel.clock import Clock, FrozenClock, SystemClock, ensure_utc

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_the_system_clock_gives_aware_utc_now() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_a_frozen_clock_stands_still_until_told() -> None:
    clock = FrozenClock(T0)
    assert clock.now() == clock.now() == T0


def test_a_frozen_clock_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(datetime(2026, 11, 24, 2, 0))  # noqa: DTZ001 - the naive value is the point


def test_advancing_moves_forward_and_returns_the_new_instant() -> None:
    clock = FrozenClock(T0)
    assert clock.advance(timedelta(minutes=90)) == T0 + timedelta(minutes=90)
    assert clock.now() == T0 + timedelta(minutes=90)


def test_set_jumps_to_an_instant() -> None:
    clock = FrozenClock(T0)
    clock.set(T0 - timedelta(days=1))
    assert clock.now() == T0 - timedelta(days=1)


def test_both_clocks_satisfy_the_clock_protocol() -> None:
    clocks: list[Clock] = [SystemClock(), FrozenClock(T0)]
    assert all(isinstance(c.now(), datetime) for c in clocks)
    # The protocol's own body is a stub and returns nothing.
    assert Clock.now(FrozenClock(T0)) is None  # type: ignore[func-returns-value]


def test_naive_values_are_taken_as_utc() -> None:
    naive = datetime(2026, 11, 24, 2, 0)  # noqa: DTZ001 - as SQLite reads it back
    assert ensure_utc(naive) == T0
    assert ensure_utc(naive).tzinfo is UTC


def test_aware_values_are_converted_to_utc() -> None:
    shenzhen = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=8)))
    assert ensure_utc(shenzhen) == T0
    assert ensure_utc(shenzhen).utcoffset() == timedelta(0)
