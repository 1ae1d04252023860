"""The partner option pool: qualification, allocation, vesting, forfeiture and the 20 %
cap, as pure rules (docs/adr/0018). No clock, no database.

The pool is a number of option shares set aside from the platform's fully diluted
equity (`total_shares`). Its size (`cap_shares`) may never exceed 20 % of the equity,
and the options outstanding in it (granted less forfeited) may never exceed its size:

    cap_shares × 10 000 <= total_shares × 2 000      (the pool is at most 20 %)
    0 <= outstanding_shares <= cap_shares             (never more granted than the pool)

Every change of the pool goes through `PoolState`, whose constructor refuses a state
that breaks either line; the database holds the same two lines as CHECK constraints on
the one pool row, which every grant locks (partners.repository).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Final

from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound

MAX_POOL_BASIS_POINTS: Final = 2_000
"""The pool is at most 20 % of the platform's fully diluted equity."""


class PoolOverCap(InvalidInput):
    """The pool asked for is more than 20 % of the equity."""

    code = "partners.pool_over_cap"
    message = "A pool of {cap_shares} shares is more than 20 % of {total_shares} shares of equity."


class PoolBelowOutstanding(Conflict):
    """The pool cannot shrink below the options already outstanding."""

    code = "partners.pool_below_outstanding"
    message = "{outstanding_shares} option shares are outstanding; the pool cannot be smaller."


class PoolExhausted(Conflict):
    """A grant would take more options than the pool has left."""

    code = "partners.pool_exhausted"
    message = "Only {available_shares} option shares are left in the pool ({shares} asked)."


class PoolNotConfigured(NotFound):
    """No option pool has been set up yet."""

    code = "partners.pool_not_configured"
    message = "The partner option pool has not been set up."


class InvalidPoolTerms(InvalidInput):
    """A term of the pool is out of range."""

    code = "partners.invalid_pool_terms"
    message = "{term} must be {rule}."


class InvalidShares(InvalidInput):
    """A grant of no shares, or of a negative number."""

    code = "partners.invalid_shares"
    message = "A grant is a positive whole number of shares ({shares} given)."


class PartnerNotFound(NotFound):
    """No partner with this organisation id (or not visible to the actor)."""

    code = "partners.partner_not_found"
    message = "Organisation {organisation_id} is not a partner."


class PartnerNotActive(Conflict):
    """Options are granted only to active partners."""

    code = "partners.partner_not_active"
    message = "Organisation {organisation_id} is {status}, not an active partner."


class IllegalPartnerTransition(IllegalTransition):
    """A partner was asked to move in a way its table does not allow."""

    code = "partners.illegal_partner_transition"
    message = "Cannot {event} a partner who is {current}."


# --- the pool --------------------------------------------------------------------------


def pool_within_cap(total_shares: int, cap_shares: int) -> bool:
    """True when a pool of `cap_shares` is at most 20 % of `total_shares`."""
    return cap_shares * 10_000 <= total_shares * MAX_POOL_BASIS_POINTS


@dataclass(frozen=True, slots=True)
class PoolState:
    """The pool's size and what is outstanding in it; a state that breaks the invariant
    cannot be built (PoolOverCap, PoolBelowOutstanding)."""

    total_shares: int
    cap_shares: int
    outstanding_shares: int = 0

    def __post_init__(self) -> None:
        if self.total_shares <= 0 or self.cap_shares < 0 or self.outstanding_shares < 0:
            raise InvalidPoolTerms(term="shares", rule="positive")
        if not pool_within_cap(self.total_shares, self.cap_shares):
            raise PoolOverCap(total_shares=self.total_shares, cap_shares=self.cap_shares)
        if self.outstanding_shares > self.cap_shares:
            raise PoolBelowOutstanding(outstanding_shares=self.outstanding_shares)

    @property
    def available_shares(self) -> int:
        """Options the pool can still grant."""
        return self.cap_shares - self.outstanding_shares

    def grant(self, shares: int) -> PoolState:
        """The pool after granting `shares`. Raises InvalidShares, PoolExhausted."""
        if shares <= 0:
            raise InvalidShares(shares=shares)
        if shares > self.available_shares:
            raise PoolExhausted(available_shares=self.available_shares, shares=shares)
        return PoolState(self.total_shares, self.cap_shares, self.outstanding_shares + shares)

    def forfeit(self, shares: int) -> PoolState:
        """The pool after `shares` unvested options come back (0 <= shares <= outstanding)."""
        if shares < 0 or shares > self.outstanding_shares:
            raise InvalidShares(shares=shares)
        return PoolState(self.total_shares, self.cap_shares, self.outstanding_shares - shares)

    def resize(self, total_shares: int, cap_shares: int) -> PoolState:
        """The pool with a new equity and size, keeping what is outstanding."""
        return PoolState(total_shares, cap_shares, self.outstanding_shares)


@dataclass(frozen=True, slots=True)
class PoolTerms:
    """The configurable rules of the pool, set by an operator."""

    threshold_grams: int = 1_000_000
    """Monthly volume (grams taken into custody) a month must reach to count."""
    qualify_months: int = 3
    """Consecutive complete months at or above the threshold that make a partner."""
    monthly_grant_shares: int = 100_000
    """Options granted each month to the active partners, split by that month's volume."""
    vesting_months: int = 48
    cliff_months: int = 12
    """Nothing vests before the cliff; at the cliff the months passed vest at once."""
    inactive_months: int = 3
    """Consecutive months without volume after which unvested options are forfeited."""

    def __post_init__(self) -> None:
        checks = (
            ("threshold_grams", self.threshold_grams >= 1, "at least 1"),
            ("qualify_months", 1 <= self.qualify_months <= 24, "between 1 and 24"),
            ("monthly_grant_shares", self.monthly_grant_shares >= 0, "0 or more"),
            ("vesting_months", 1 <= self.vesting_months <= 120, "between 1 and 120"),
            ("cliff_months", 0 <= self.cliff_months <= self.vesting_months, "0 … vesting_months"),
            ("inactive_months", 1 <= self.inactive_months <= 24, "between 1 and 24"),
        )
        for term, ok, rule in checks:
            if not ok:
                raise InvalidPoolTerms(term=term, rule=rule)

    @property
    def months_read(self) -> int:
        """How many past months the monthly run reads volumes for."""
        return max(self.qualify_months, self.inactive_months)


# --- qualification, allocation, vesting -------------------------------------------------


def qualifies(monthly_grams: Sequence[int], terms: PoolTerms) -> bool:
    """True when the last `qualify_months` months (oldest first) all reach the threshold."""
    window = monthly_grams[-terms.qualify_months :]
    return len(window) == terms.qualify_months and all(g >= terms.threshold_grams for g in window)


def is_inactive(monthly_grams: Sequence[int], terms: PoolTerms) -> bool:
    """True when the last `inactive_months` months (oldest first) had no volume at all."""
    window = monthly_grams[-terms.inactive_months :]
    return len(window) == terms.inactive_months and not any(window)


def split_by_volume(budget: int, volumes: Mapping[int, int]) -> dict[int, int]:
    """Split `budget` shares among parties in proportion to their volume, in whole shares
    that add up to exactly the budget (largest remainder; ties to the lower party id).
    Parties with no volume get nothing; with no volume at all, nobody gets anything."""
    parties = sorted(p for p, v in volumes.items() if v > 0)
    total = sum(volumes[p] for p in parties)
    if budget <= 0 or total == 0:
        return {}
    floors = {p: budget * volumes[p] // total for p in parties}
    leftover = budget - sum(floors.values())
    by_remainder = sorted(parties, key=lambda p: (-(budget * volumes[p] % total), p))
    for party in by_remainder[:leftover]:
        floors[party] += 1
    return {p: s for p, s in floors.items() if s > 0}


def vested_by_schedule(
    granted: int, months_elapsed: int, *, vesting_months: int, cliff_months: int
) -> int:
    """Options of a grant vested `months_elapsed` whole months after its grant month:
    none before the cliff, then granted × months / vesting_months (floored), all at the end."""
    if months_elapsed < cliff_months or months_elapsed <= 0:
        return 0
    return granted * min(months_elapsed, vesting_months) // vesting_months


# --- months -------------------------------------------------------------------------------


def month_key(day: date) -> str:
    """ "2026-11" for any day of November 2026."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(key: str) -> date:
    """The first day of the month named "YYYY-MM"."""
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def add_months(first: date, months: int) -> date:
    """The first day of the month `months` after the month of `first` (may be negative)."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_apart(earlier: str, later: str) -> int:
    """Whole months from month key `earlier` to `later`."""
    a, b = parse_month(earlier), parse_month(later)
    return (b.year - a.year) * 12 + b.month - a.month


def month_bounds(key: str) -> tuple[datetime, datetime]:
    """[start, end) of a China calendar month, in UTC."""
    first = parse_month(key)
    start = datetime.combine(first, time(), CHINA_TIME).astimezone(UTC)
    end = datetime.combine(add_months(first, 1), time(), CHINA_TIME).astimezone(UTC)
    return start, end


def last_complete_month(now: datetime) -> str:
    """The China calendar month before the one `now` falls in: the month a run closes."""
    today = now.astimezone(CHINA_TIME).date()
    return month_key(add_months(today.replace(day=1), -1))


def current_month(now: datetime) -> str:
    """The China calendar month `now` falls in."""
    return month_key(now.astimezone(CHINA_TIME).date())


def share_basis_points(shares: int, total_shares: int) -> int:
    """`shares` as basis points of the equity, floored."""
    return shares * 10_000 // total_shares


# --- partner state table ----------------------------------------------------------------


class PartnerStatus(StrEnum):
    """A partner's standing in the pool."""

    ACTIVE = "active"
    LAPSED = "lapsed"
    """Inactive too long: unvested options were forfeited; may qualify again."""
    LEFT = "left"
    """Left the platform: unvested options forfeited; final."""


class PartnerEvent(StrEnum):
    """What can happen to a partner."""

    LAPSE = "lapse"
    REQUALIFY = "requalify"
    LEAVE = "leave"


PARTNER_TRANSITIONS: Final[Mapping[tuple[PartnerStatus, PartnerEvent], PartnerStatus]] = {
    (PartnerStatus.ACTIVE, PartnerEvent.LAPSE): PartnerStatus.LAPSED,
    (PartnerStatus.ACTIVE, PartnerEvent.LEAVE): PartnerStatus.LEFT,
    (PartnerStatus.LAPSED, PartnerEvent.REQUALIFY): PartnerStatus.ACTIVE,
    (PartnerStatus.LAPSED, PartnerEvent.LEAVE): PartnerStatus.LEFT,
}


def next_partner_status(current: PartnerStatus, event: PartnerEvent) -> PartnerStatus:
    """The status `event` leads to from `current`; IllegalPartnerTransition otherwise."""
    try:
        return PARTNER_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalPartnerTransition(event=event.value, current=current.value) from None
