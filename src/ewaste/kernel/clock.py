"""Time comes in from the edge; the domain never reads the clock itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

CHINA_TIME = timezone(timedelta(hours=8), "CST")
"""China Standard Time (UTC+8, no daylight saving): local dates, days and pickup slots."""


def china_day(moment: datetime) -> date:
    """The China-time calendar day of a moment."""
    return moment.astimezone(CHINA_TIME).date()


class Clock(Protocol):
    """Source of the current time (timezone-aware UTC)."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)


class FrozenClock:
    """A clock for tests and simulations that moves only when told to."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> datetime:
        """The frozen instant."""
        return self._at

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta` and return the new instant."""
        self._at = self._at + delta
        return self._at

    def set(self, at: datetime) -> None:
        """Jump to `at` (timezone-aware)."""
        self._at = at


def ensure_utc(moment: datetime) -> datetime:
    """Return `moment` as aware UTC; naive values are taken to be UTC (SQLite reads)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
