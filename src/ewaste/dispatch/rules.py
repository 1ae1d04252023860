"""Dispatch rules: vehicles, capacities, shifts and skills of collectors."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound


class Vehicle(StrEnum):
    """What a collector drives; the routing issue gives each its speed and cost."""

    TRICYCLE = "tricycle"
    VAN = "van"
    TRUCK = "truck"


class NoEligibleCollector(Conflict):
    """No active collector has room for the pickup right now."""

    code = "dispatch.no_eligible_collector"
    message = "No active collector has {grams} g of spare capacity for pickup {pickup_id}."


class CollectorNotFound(NotFound):
    """No collector profile for this organisation."""

    code = "dispatch.collector_not_found"
    message = "Collector {collector_id} not found."


class InvalidCapacity(InvalidInput):
    """A vehicle capacity outside 1 kg – 20 t."""

    code = "dispatch.invalid_capacity"
    message = "Capacity must be between 1 kg and 20 t (got {grams} g)."


class InvalidShift(InvalidInput):
    """A working day that ends before it starts or runs past midnight."""

    code = "dispatch.invalid_shift"
    message = (
        "A shift runs from {start} to {end} minutes after midnight: it must start before it "
        "ends, within the day."
    )


class UnknownSkill(InvalidInput):
    """A skill that is not on the list."""

    code = "dispatch.unknown_skill"
    message = "Unknown skill {skill!r}; known: {known}."


class InvalidVolume(InvalidInput):
    """A vehicle volume outside 1 litre – 60 m³."""

    code = "dispatch.invalid_volume"
    message = "Vehicle volume must be between 1 and 60,000 litres (got {litres})."


class InvalidArea(InvalidInput):
    """A service area whose radius is not between 100 m and 100 km."""

    code = "dispatch.invalid_area"
    message = "A service area's radius must be between 100 m and 100 km (got {metres} m)."


MAX_CAPACITY_GRAMS = 20_000_000
MAX_LITRES = 60_000
SKILLS = frozenset({"air_conditioner_removal", "refrigerant", "heavy"})
"""What a pickup may need of its collector (the same names as routing.Skill)."""


def check_shift(start_minute: int, end_minute: int) -> None:
    """Raise InvalidShift unless 0 ≤ start < end ≤ 24 h."""
    if not 0 <= start_minute < end_minute <= 24 * 60:
        raise InvalidShift(start=start_minute, end=end_minute)


def check_skills(skills: frozenset[str]) -> str:
    """The skills as stored ("|"-joined, sorted). Raises UnknownSkill."""
    for skill in sorted(skills):
        if skill not in SKILLS:
            raise UnknownSkill(skill=skill, known=", ".join(sorted(SKILLS)))
    return "|".join(sorted(skills))


def check_area_radius(metres: int) -> None:
    """Raise InvalidArea unless 100 m ≤ radius ≤ 100 km."""
    if not 100 <= metres <= 100_000:
        raise InvalidArea(metres=metres)


def check_volume(litres: int) -> None:
    """Raise InvalidVolume unless 1 ≤ litres ≤ 60,000."""
    if not 1 <= litres <= MAX_LITRES:
        raise InvalidVolume(litres=litres)


def check_capacity(grams: int) -> None:
    """Raise InvalidCapacity unless 1 kg ≤ capacity ≤ 20 t."""
    if not 1000 <= grams <= MAX_CAPACITY_GRAMS:
        raise InvalidCapacity(grams=grams)


# --- offers: a pickup offered to a few collectors, the first to accept takes it ----------


class OfferStatus(StrEnum):
    """Where an offer stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    """Another collector accepted first, or the pickup was assigned otherwise."""


class OfferEvent(StrEnum):
    """What can happen to an open offer."""

    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"


OFFER_TRANSITIONS: Final[dict[tuple[OfferStatus, OfferEvent], OfferStatus]] = {
    (OfferStatus.OPEN, OfferEvent.ACCEPT): OfferStatus.ACCEPTED,
    (OfferStatus.OPEN, OfferEvent.DECLINE): OfferStatus.DECLINED,
    (OfferStatus.OPEN, OfferEvent.EXPIRE): OfferStatus.EXPIRED,
    (OfferStatus.OPEN, OfferEvent.WITHDRAW): OfferStatus.WITHDRAWN,
}


class CannotSetOut(IllegalTransition):
    """A collector sets out only for a pickup it has not reached, collected or lost."""

    code = "dispatch.cannot_set_out"
    message = "You cannot set out for pickup {pickup_id}: it is {status}."


class NotOnTodaysRoute(Conflict):
    """A collector sets out only for a stop of today's route."""

    code = "dispatch.not_on_todays_route"
    message = "Pickup {pickup_id} is not on today's route: its window is on {day}."


class OfferNotFound(NotFound):
    """No such offer, or it is addressed to another collector."""

    code = "dispatch.offer_not_found"
    message = "Offer {offer_id} not found."


class OfferClosed(IllegalTransition):
    """The offer can no longer be answered: taken by another, declined, or expired."""

    code = "dispatch.offer_closed"
    message = "Offer {offer_id} is {status}: it can no longer be answered."


class AlreadyOffered(Conflict):
    """The pickup is already offered and waiting for an answer."""

    code = "dispatch.already_offered"
    message = "Pickup {pickup_id} is already offered; wait for the answers or their expiry."


class InvalidOffer(InvalidInput):
    """An offer to too few or too many collectors, or for too short or long a time."""

    code = "dispatch.invalid_offer"
    message = "Offer a pickup to 1–{most} collectors for 1–{minutes} minutes."


MAX_OFFERED: Final = 10
MAX_OFFER_MINUTES: Final = 120


def next_offer_status(offer_id: int, status: OfferStatus, event: OfferEvent) -> OfferStatus:
    """The status after `event`. Raises OfferClosed unless the offer is open."""
    after = OFFER_TRANSITIONS.get((status, event))
    if after is None:
        raise OfferClosed(offer_id=offer_id, status=status.value)
    return after


def check_offer(collectors: int, minutes: int) -> None:
    """Raise InvalidOffer unless 1 ≤ collectors ≤ 10 and 1 ≤ minutes ≤ 120."""
    if not (1 <= collectors <= MAX_OFFERED and 1 <= minutes <= MAX_OFFER_MINUTES):
        raise InvalidOffer(most=MAX_OFFERED, minutes=MAX_OFFER_MINUTES)
