"""Report rules (pure): month ranges in China time, the report dimensions, and how a
unit's source channel is read from the document that produced it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from ewaste.kernel.errors import InvalidInput

CHINA: Final = ZoneInfo("Asia/Shanghai")
MAX_MONTHS: Final = 60
"""A report covers at most five years of months."""


class Basis(StrEnum):
    """Which event puts a unit in a month: its collection at the door, or its dismantling."""

    COLLECTED = "collected"
    DISMANTLED = "dismantled"


class Dimension(StrEnum):
    """What a volume report can be grouped by."""

    CATEGORY = "category"
    PROVINCE = "province"
    MONTH = "month"
    CHANNEL = "channel"
    PLANT = "plant"


CHANNEL_PREFIXES: Final[Mapping[str, str]] = {"pickup:": "household_pickup"}
"""A unit's `source_ref` prefix → its source channel. Door pickups booked by a household
(`pickup:<id>`) are the only intake the platform records today; a new intake (a
station's walk-in counter, a business contract) adds its prefix here."""
OTHER_CHANNEL: Final = "other"


class InvalidMonthRange(InvalidInput):
    """Months that are not YYYY-MM, in the wrong order, or too many."""

    code = "analytics.invalid_month_range"
    message = "Give the months as YYYY-MM, the first not after the last, at most {limit} months."


class InvalidDimension(InvalidInput):
    """A grouping the report does not know."""

    code = "analytics.invalid_dimension"
    message = "Group by any of: category, province, month, channel, plant."


class InvalidBasis(InvalidInput):
    """A basis other than collected or dismantled."""

    code = "analytics.invalid_basis"
    message = "Count units as collected or dismantled."


def parse_basis(text: str) -> Basis:
    """The basis named by `text`, or raise InvalidBasis."""
    if text not in {b.value for b in Basis}:
        raise InvalidBasis
    return Basis(text)


_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class MonthRange:
    """Months `first` to `last`, both included, in China time."""

    first: date
    last: date

    def bounds_utc(self) -> tuple[datetime, datetime]:
        """The first instant of `first` and the first instant after `last`, in UTC."""
        after = date(self.last.year + self.last.month // 12, self.last.month % 12 + 1, 1)
        return (
            datetime.combine(self.first, time(), CHINA).astimezone(UTC),
            datetime.combine(after, time(), CHINA).astimezone(UTC),
        )

    @property
    def label(self) -> str:
        """ "2026-01..2026-12" (or one month)."""
        first, last = self.first.strftime("%Y-%m"), self.last.strftime("%Y-%m")
        return first if first == last else f"{first}..{last}"


def parse_month_range(first: str, last: str) -> MonthRange:
    """The range from two YYYY-MM months; InvalidMonthRange otherwise."""
    days = []
    for text in (first, last):
        found = _MONTH.match(text.strip())
        if not found or not 2000 <= int(found[1]) <= 2100:
            raise InvalidMonthRange(limit=MAX_MONTHS)
        days.append(date(int(found[1]), int(found[2]), 1))
    start, end = days
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidMonthRange(limit=MAX_MONTHS)
    return MonthRange(start, end)


def parse_dimensions(names: Sequence[str]) -> tuple[Dimension, ...]:
    """The dimensions in their canonical order (all of them when none are named)."""
    known = {d.value for d in Dimension}
    wanted = {n.strip() for n in names if n.strip()}
    if wanted - known:
        raise InvalidDimension
    return tuple(d for d in Dimension if not wanted or d.value in wanted)


def channel_of(source_ref: str) -> str:
    """The source channel of a unit from its `source_ref` ("pickup:12" → household_pickup)."""
    return next(
        (c for prefix, c in CHANNEL_PREFIXES.items() if source_ref.startswith(prefix)),
        OTHER_CHANNEL,
    )


def china_month(at: datetime) -> str:
    """The China month (YYYY-MM) of an instant."""
    return at.astimezone(CHINA).strftime("%Y-%m")
