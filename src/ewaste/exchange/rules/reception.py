"""Reception rules, pure: what the plant counted and weighed against the lot, the kinds of
discrepancy, the discrepancy's state table, the price adjustment by rule, and how the escrowed
price is settled between the station, the platform and the plant.

The rule (documented in ADR 0015): a reception whose only discrepancy is missing units is
decided at once, the contract price cut pro rata to the units received (rounded down to the
fen: the fraction goes back to the plant). Extra units or a load outside the weight tolerance
need an operator's decision: an adjusted price between nothing and the contract price, and a
reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ewaste.exchange.rules.lots import split_fee
from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from ewaste.kernel.money import Money


class DiscrepancyKind(StrEnum):
    """What did not match at reception."""

    MISSING_UNITS = "missing_units"
    EXTRA_UNITS = "extra_units"
    WEIGHT = "weight"


class DiscrepancyStatus(StrEnum):
    """A discrepancy is open until it is decided, once, by rule or by an operator."""

    OPEN = "open"
    DECIDED = "decided"


class DiscrepancyEvent(StrEnum):
    """What can happen to a discrepancy."""

    DECIDE_BY_RULE = "decide_by_rule"
    DECIDE_BY_OPERATOR = "decide_by_operator"


DISCREPANCY_TRANSITIONS: Final[
    Mapping[tuple[DiscrepancyStatus, DiscrepancyEvent], DiscrepancyStatus]
] = {
    (DiscrepancyStatus.OPEN, DiscrepancyEvent.DECIDE_BY_RULE): DiscrepancyStatus.DECIDED,
    (DiscrepancyStatus.OPEN, DiscrepancyEvent.DECIDE_BY_OPERATOR): DiscrepancyStatus.DECIDED,
}


class IllegalDiscrepancyTransition(IllegalTransition):
    """A discrepancy was asked to move in a way its table does not allow (decided twice)."""

    code = "exchange.illegal_discrepancy_transition"
    message = "Cannot {event} a discrepancy that is {current}."


class DiscrepancyNotFound(NotFound):
    """The lot has no discrepancy (or the actor may not see it)."""

    code = "exchange.discrepancy_not_found"
    message = "Lot {lot_id} has no discrepancy."


class InvalidAdjustedPrice(InvalidInput):
    """An operator's adjusted price below nothing or above the contract price."""

    code = "exchange.invalid_adjusted_price"
    message = "The adjusted price must be between ¥0.00 and the contract price, ¥{price}."


class InvalidDecisionReason(InvalidInput):
    """A decision without a reason, or with one too long."""

    code = "exchange.invalid_decision_reason"
    message = "Give the reason for the decision (1 to {maximum} characters)."


class InvalidEvidence(InvalidInput):
    """Evidence or photo references that are not short reference strings."""

    code = "exchange.invalid_evidence"
    message = (
        "Give at most {maximum} references, each 1-120 characters of letters, digits and "
        "._:/- (for example photo:2026/11/24/abc.jpg)."
    )


MAX_REASON_CHARS: Final = 500
MAX_REFERENCES: Final = 12
_REFERENCE = re.compile(r"[A-Za-z0-9._:/\-]{1,120}")


def next_discrepancy_status(
    current: DiscrepancyStatus, event: DiscrepancyEvent
) -> DiscrepancyStatus:
    """The status after `event`, or raise IllegalDiscrepancyTransition."""
    try:
        return DISCREPANCY_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalDiscrepancyTransition(event=event.value, current=current.value) from None


def check_references(refs: Sequence[str]) -> tuple[str, ...]:
    """The references stripped, in order, duplicates dropped; raise InvalidEvidence unless
    there are at most MAX_REFERENCES, each a short reference string."""
    out: list[str] = []
    for ref in refs:
        text = ref.strip()
        if not _REFERENCE.fullmatch(text):
            raise InvalidEvidence(maximum=MAX_REFERENCES)
        if text not in out:
            out.append(text)
    if len(out) > MAX_REFERENCES:
        raise InvalidEvidence(maximum=MAX_REFERENCES)
    return tuple(out)


def check_reason(reason: str) -> str:
    """The reason stripped; raise InvalidDecisionReason when empty or too long."""
    text = reason.strip()
    if not 1 <= len(text) <= MAX_REASON_CHARS:
        raise InvalidDecisionReason(maximum=MAX_REASON_CHARS)
    return text


@dataclass(frozen=True, slots=True)
class ReceptionCheck:
    """What the plant scanned and weighed against the lot.

    `expected_grams` is the door weight of the lot's units that were scanned: a missing unit
    lightens the load without being a second, weight discrepancy.
    """

    lot_units: int
    received_units: int
    extra_units: int
    expected_grams: int
    received_grams: int
    tolerance_basis_points: int

    @property
    def missing_units(self) -> int:
        """Units of the lot that the plant did not scan."""
        return self.lot_units - self.received_units

    @property
    def weight_within_tolerance(self) -> bool:
        """True when the load is within the tolerance of the received units' door weight."""
        allowed = self.expected_grams * self.tolerance_basis_points // 10_000
        return abs(self.received_grams - self.expected_grams) <= allowed

    @property
    def kinds(self) -> tuple[DiscrepancyKind, ...]:
        """Every kind of discrepancy found, in a fixed order; empty when reception matches."""
        found: list[DiscrepancyKind] = []
        if self.missing_units > 0:
            found.append(DiscrepancyKind.MISSING_UNITS)
        if self.extra_units > 0:
            found.append(DiscrepancyKind.EXTRA_UNITS)
        if not self.weight_within_tolerance:
            found.append(DiscrepancyKind.WEIGHT)
        return tuple(found)

    @property
    def decidable_by_rule(self) -> bool:
        """True when the only discrepancy is missing units: the rule prices them."""
        return self.kinds == (DiscrepancyKind.MISSING_UNITS,)


def price_by_rule(price: Money, *, lot_units: int, received_units: int) -> Money:
    """The contract price cut pro rata to the units received, rounded down to the fen.

    Raises InvalidInput unless 0 <= received_units <= lot_units and lot_units > 0.
    """
    if not 0 <= received_units <= lot_units or lot_units <= 0:
        raise InvalidInput("Received units must be between 0 and the lot's units.")
    return Money(price.minor * received_units // lot_units, price.currency)


def price_of_found_unit(price: Money, *, lot_units: int, received_units: int, paid: Money) -> Money:
    """What the plant pays for a unit its reception reported missing that turns up at the
    plant later: the share the pro rata rule gives one more unit received
    (`received_units` counts those received so far), but never more than the contract
    price less what the station was already paid for the lot (`paid`: the decided price
    plus the units found before). After a rule's decision the found units thus add up to
    the rule's price for the units received in the end; an operator's decision that
    already paid more keeps the plant from paying twice.

    Raises InvalidInput unless 0 <= received_units < lot_units.
    """
    if not 0 <= received_units < lot_units:
        raise InvalidInput("A unit found must be one of the lot's units not yet received.")
    share = price_by_rule(
        price, lot_units=lot_units, received_units=received_units + 1
    ) - price_by_rule(price, lot_units=lot_units, received_units=received_units)
    room = max(price.minor - paid.minor, 0)
    return Money(min(share.minor, room), price.currency)


class UnitNotMissing(Conflict):
    """A unit received after the lot's reception must be one the reception reported missing
    and not yet found."""

    code = "exchange.unit_not_missing"
    message = "Unit {unit_code} is not missing from lot {lot_id}."


class UnitPaidFor(Conflict):
    """A station cannot take back a missing unit that the plant paid for: an operator's
    decision paid the station more than the pro rata price of the units the plant has."""

    code = "exchange.unit_paid_for"
    message = (
        "The plant paid for unit {unit_code} of lot {lot_id} (an operator's decision): it "
        "is the plant's and cannot go back into the station's stock."
    )


class DiscrepancyStillOpen(Conflict):
    """A unit found while the lot's discrepancy waits for an operator: decided first."""

    code = "exchange.discrepancy_still_open"
    message = (
        "The discrepancy of lot {lot_id} is still open: an operator decides it first, then "
        "the unit found can be received."
    )


def check_adjusted_price(adjusted: Money, *, price: Money) -> None:
    """Raise InvalidAdjustedPrice unless 0 <= adjusted <= the contract price (same currency)."""
    if adjusted.currency != price.currency or not 0 <= adjusted.minor <= price.minor:
        raise InvalidAdjustedPrice(price=price.as_decimal_string())


@dataclass(frozen=True, slots=True)
class Settlement:
    """How escrow's contract price leaves it: the three shares add up to the price."""

    station: Money
    fee: Money
    refund: Money


def settle(price: Money, adjusted: Money, *, fee_basis_points: int) -> Settlement:
    """Split the escrowed `price` at the `adjusted` price: the station gets the adjusted
    price less the platform fee, the platform the fee, the plant back the rest.

    Raises InvalidAdjustedPrice (outside 0 – price) and InvalidInput (fee rate).
    """
    check_adjusted_price(adjusted, price=price)
    station, fee = split_fee(adjusted, fee_basis_points=fee_basis_points)
    return Settlement(station, fee, price - adjusted)
