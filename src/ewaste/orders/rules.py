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
    COLLECTED = "collected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class PickupEvent(StrEnum):
    """What can happen to a pickup."""

    ASSIGN = "assign"
    COLLECT = "collect"
    CANCEL = "cancel"
    EXPIRE = "expire"


PICKUP_TRANSITIONS: Final[Mapping[tuple[PickupStatus, PickupEvent], PickupStatus]] = {
    (PickupStatus.REQUESTED, PickupEvent.ASSIGN): PickupStatus.ASSIGNED,
    (PickupStatus.REQUESTED, PickupEvent.CANCEL): PickupStatus.CANCELLED,
    (PickupStatus.REQUESTED, PickupEvent.EXPIRE): PickupStatus.EXPIRED,
    (PickupStatus.ASSIGNED, PickupEvent.COLLECT): PickupStatus.COLLECTED,
    (PickupStatus.ASSIGNED, PickupEvent.CANCEL): PickupStatus.CANCELLED,
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
