"""Lot rules: lot states, selection and price checks, fees (reception: `reception.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from ewaste.kernel.money import Money


class LotStatus(StrEnum):
    """Lifecycle of a lot from listing to reception at the plant."""

    LISTED = "listed"
    SOLD = "sold"
    SHIPPED = "shipped"
    RECEIVED = "received"
    DISPUTED = "disputed"
    WITHDRAWN = "withdrawn"


class LotEvent(StrEnum):
    """What can happen to a lot."""

    BUY = "buy"
    SHIP = "ship"
    RECEIVE = "receive"
    RECEIVE_WITH_DISCREPANCY = "receive_with_discrepancy"
    RESOLVE = "resolve"
    """A disputed lot's discrepancy was decided and escrow settled at the adjusted price."""
    WITHDRAW = "withdraw"


LOT_TRANSITIONS: Final[Mapping[tuple[LotStatus, LotEvent], LotStatus]] = {
    (LotStatus.LISTED, LotEvent.BUY): LotStatus.SOLD,
    (LotStatus.LISTED, LotEvent.WITHDRAW): LotStatus.WITHDRAWN,
    (LotStatus.SOLD, LotEvent.SHIP): LotStatus.SHIPPED,
    (LotStatus.SHIPPED, LotEvent.RECEIVE): LotStatus.RECEIVED,
    (LotStatus.SHIPPED, LotEvent.RECEIVE_WITH_DISCREPANCY): LotStatus.DISPUTED,
    (LotStatus.DISPUTED, LotEvent.RESOLVE): LotStatus.RECEIVED,
}


class IllegalLotTransition(IllegalTransition):
    """A lot was asked to move in a way its table does not allow."""

    code = "exchange.illegal_lot_transition"
    message = "Cannot {event} a lot that is {current}."


class LotNotFound(NotFound):
    """No lot with this id (or not visible to the actor)."""

    code = "exchange.lot_not_found"
    message = "Lot {lot_id} not found."


class MixedLot(InvalidInput):
    """Units of another category (or not at this station) were put into a lot."""

    code = "exchange.mixed_lot"
    message = "Unit {unit_code} is not a {category} held at this station, ready for a lot."


class EmptySelection(InvalidInput):
    """No unit codes were given."""

    code = "exchange.empty_selection"
    message = "Scan at least one unit (at most {maximum})."


class UnitAlreadyInLot(Conflict):
    """A unit can be in one lot only."""

    code = "exchange.unit_already_in_lot"
    message = "Unit {unit_code} is already in lot {lot_id}."


class NotACollector(InvalidInput):
    """The delivering party is not a collector."""

    code = "exchange.not_a_collector"
    message = "Organisation {collector_id} is not a collector."


class InvalidPrice(InvalidInput):
    """A lot price of zero or less, or absurdly high."""

    code = "exchange.invalid_price"
    message = "A lot price must be between ¥0.01 and ¥10,000,000."


MAX_UNITS_PER_SCAN: Final = 5000
MAX_LOT_PRICE_FEN: Final = 1_000_000_000


def next_lot_status(current: LotStatus, event: LotEvent) -> LotStatus:
    """The status after `event`, or raise IllegalLotTransition."""
    try:
        return LOT_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalLotTransition(event=event.value, current=current.value) from None


def check_selection(codes: list[str]) -> None:
    """Raise EmptySelection unless 1 – MAX_UNITS_PER_SCAN codes were given."""
    if not 1 <= len(codes) <= MAX_UNITS_PER_SCAN:
        raise EmptySelection(maximum=MAX_UNITS_PER_SCAN)


def check_price(price: Money) -> None:
    """Raise InvalidPrice unless 0 < price ≤ 10 million yuan."""
    if not 0 < price.minor <= MAX_LOT_PRICE_FEN:
        raise InvalidPrice


def split_fee(price: Money, *, fee_basis_points: int) -> tuple[Money, Money]:
    """(seller's share, platform fee) of a price; the two always add up to the price.

    The fee is rounded down to the fen: a fraction of a fen always stays with the seller.
    Raises InvalidInput for a fee rate outside 0–100 %.
    """
    if not 0 <= fee_basis_points <= 10_000:
        raise InvalidInput("The fee rate must be 0–10,000 basis points.", bp=fee_basis_points)
    fee = price.times(Decimal(fee_basis_points) / 10_000, rounding=ROUND_DOWN)
    return price - fee, fee
