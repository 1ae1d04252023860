"""Pickup rules: booking windows, contact details, the pickup state table, door checks."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound


class PickupStatus(StrEnum):
    """Lifecycle of a household pickup."""

    REQUESTED = "requested"
    ASSIGNED = "assigned"
    ADJUSTMENT_PROPOSED = "adjustment_proposed"
    COLLECTED = "collected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class DoorPayment(StrEnum):
    """Who pays the household at the door (ADR 0017); the collector's balance is charged
    either way, since the collector buys the items."""

    COLLECTOR = "collector"
    """From the collector's balance to the household's platform balance."""
    PLATFORM = "platform"
    """Directly by the platform to the household's bank account (a payout)."""


class PickupEvent(StrEnum):
    """What can happen to a pickup."""

    ASSIGN = "assign"
    REASSIGN = "reassign"
    """The city planner gives an assigned pickup not yet started to another collector."""
    PROPOSE_ADJUSTMENT = "propose_adjustment"
    ACCEPT_ADJUSTMENT = "accept_adjustment"
    DECLINE_ADJUSTMENT = "decline_adjustment"
    COLLECT = "collect"
    CANCEL = "cancel"
    EXPIRE = "expire"


PICKUP_TRANSITIONS: Final[Mapping[tuple[PickupStatus, PickupEvent], PickupStatus]] = {
    (PickupStatus.REQUESTED, PickupEvent.ASSIGN): PickupStatus.ASSIGNED,
    (PickupStatus.REQUESTED, PickupEvent.CANCEL): PickupStatus.CANCELLED,
    (PickupStatus.REQUESTED, PickupEvent.EXPIRE): PickupStatus.EXPIRED,
    (PickupStatus.ASSIGNED, PickupEvent.REASSIGN): PickupStatus.ASSIGNED,
    (PickupStatus.ASSIGNED, PickupEvent.COLLECT): PickupStatus.COLLECTED,
    (PickupStatus.ASSIGNED, PickupEvent.CANCEL): PickupStatus.CANCELLED,
    (PickupStatus.ASSIGNED, PickupEvent.PROPOSE_ADJUSTMENT): PickupStatus.ADJUSTMENT_PROPOSED,
    (PickupStatus.ADJUSTMENT_PROPOSED, PickupEvent.ACCEPT_ADJUSTMENT): PickupStatus.ASSIGNED,
    (PickupStatus.ADJUSTMENT_PROPOSED, PickupEvent.DECLINE_ADJUSTMENT): PickupStatus.CANCELLED,
}


class IllegalPickupTransition(IllegalTransition):
    """A pickup was asked to move in a way its table does not allow."""

    code = "orders.illegal_pickup_transition"
    message = "Cannot {event} a pickup that is {current}."


class PickupNotFound(NotFound):
    """No pickup with this id (or not visible to the actor)."""

    code = "orders.pickup_not_found"
    message = "Pickup {pickup_id} not found."


class InvalidWindow(InvalidInput):
    """A time window that is empty, in the past, too long or too far ahead."""

    code = "orders.invalid_window"
    message = (
        "The time window must start before it ends, end in the future, last at most "
        "{max_hours} hours and start within {max_days} days."
    )


class InvalidContact(InvalidInput):
    """A contact name or phone number that cannot be used."""

    code = "orders.invalid_contact"
    message = "Give a contact name (1–60 characters) and a phone number (digits, 5–20)."


class InvalidAddress(InvalidInput):
    """An address without text."""

    code = "orders.invalid_address"
    message = "Give the street address (1–300 characters) and its coordinates."


class ItemsDoNotMatchQuote(Conflict):
    """The units weighed at the door are not the items that were quoted."""

    code = "orders.items_do_not_match_quote"
    message = "The items at the door ({found}) differ from the quote ({expected})."


MAX_WINDOW: Final = timedelta(hours=8)
MAX_LEAD: Final = timedelta(days=14)
DOOR_SECONDS: Final = 5 * 60
"""Time at every door before the items: finding the flat, greeting, paying."""
_PHONE: Final = re.compile(r"^\+?[0-9][0-9 -]{3,18}[0-9]$")


def next_pickup_status(current: PickupStatus, event: PickupEvent) -> PickupStatus:
    """The status after `event`, or raise IllegalPickupTransition."""
    try:
        return PICKUP_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalPickupTransition(event=event.value, current=current.value) from None


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A pickup window: inclusive start, exclusive end, both timezone-aware UTC."""

    start: datetime
    end: datetime


def check_window(window: TimeWindow, *, now: datetime) -> None:
    """Raise InvalidWindow unless the window is usable for a new booking."""
    if (
        window.start.tzinfo is None
        or window.end.tzinfo is None
        or window.start >= window.end
        or window.end <= now
        or window.end - window.start > MAX_WINDOW
        or window.start > now + MAX_LEAD
    ):
        raise InvalidWindow(max_hours=8, max_days=14)


def check_contact(name: str, phone: str) -> tuple[str, str]:
    """Return the trimmed name and phone, or raise InvalidContact."""
    name, phone = name.strip(), phone.strip()
    if not 1 <= len(name) <= 60 or not _PHONE.fullmatch(phone):
        raise InvalidContact
    return name, phone


def check_address(address: str) -> str:
    """Return the trimmed address, or raise InvalidAddress."""
    address = address.strip()
    if not 1 <= len(address) <= 300:
        raise InvalidAddress
    return address


def check_items_match(quoted: Mapping[str, int], at_door: Sequence[str]) -> None:
    """Raise ItemsDoNotMatchQuote unless the door units are exactly the quoted items."""
    found = Counter(at_door)
    if found != Counter(quoted):
        raise ItemsDoNotMatchQuote(found=_describe(found), expected=_describe(Counter(quoted)))


def _describe(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n}× {code}" for code, n in sorted(counts.items())) or "nothing"


class InvalidAdjustment(InvalidInput):
    """A door adjustment without evidence, for an item not on the quote, or repeated."""

    code = "orders.invalid_adjustment"
    message = "Adjustment refused: {problem}."


MAX_ADJUSTMENTS: Final = 50


@dataclass(frozen=True, slots=True)
class AdjustmentRequest:
    """What the collector found on one unit: which quoted item, which reason, the photo."""

    item: int
    reason: str
    photo_ref: str


def check_adjustments(requests: Sequence[AdjustmentRequest], *, quantities: Sequence[int]) -> None:
    """Raise InvalidAdjustment unless each names a quoted item, has a photo, and no item has
    more adjustments for one reason than it has units."""
    if not 1 <= len(requests) <= MAX_ADJUSTMENTS:
        raise InvalidAdjustment(problem=f"give 1–{MAX_ADJUSTMENTS} adjustments")
    seen: Counter[tuple[int, str]] = Counter()
    for request in requests:
        if not 0 <= request.item < len(quantities):
            raise InvalidAdjustment(problem=f"item {request.item} is not on the quote")
        if not 1 <= len(request.photo_ref.strip()) <= 200:
            raise InvalidAdjustment(problem="every adjustment needs a photo reference")
        seen[(request.item, request.reason)] += 1
        if seen[(request.item, request.reason)] > quantities[request.item]:
            raise InvalidAdjustment(
                problem=f"item {request.item} has only {quantities[request.item]} unit(s)"
            )


def adjustment_outliers(
    rates: Mapping[int, tuple[int, int]], *, minimum_pickups: int = 5, factor: int = 2
) -> set[int]:
    """Collectors who adjust far more often than their peers.

    `rates` maps a collector to (pickups collected or cancelled at the door, pickups
    with a proposed adjustment). A collector with at least `minimum_pickups` is
    flagged when its rate exceeds `factor` × the median rate of such collectors (or
    is above zero when the median is zero and it adjusted at least twice).
    """
    eligible = {c: (n, a) for c, (n, a) in rates.items() if n >= minimum_pickups}
    if not eligible:
        return set()
    ratios = sorted(a / n for n, a in eligible.values())
    middle = len(ratios) // 2
    median = ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
    flagged = set()
    for collector, (n, a) in eligible.items():
        if (median > 0 and a / n > factor * median) or (median == 0 and a >= 2):
            flagged.add(collector)
    return flagged
