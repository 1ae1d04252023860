"""Market rules: sale methods, contract and auction states, sealed bids, standing bids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from ewaste.exchange.rules.lots import MAX_LOT_PRICE_FEN, LotEvent
from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound

# --- the market: who may buy, how lots are sold, contracts -------------------------------


class SaleMethod(StrEnum):
    """How a lot is sold."""

    FIXED_PRICE = "fixed_price"
    AUCTION = "auction"
    STANDING_BID = "standing_bid"


class ContractStatus(StrEnum):
    """Lifecycle of a contract from award to reception."""

    AWARDED = "awarded"
    SHIPPED = "shipped"
    RECEIVED = "received"
    DISPUTED = "disputed"


CONTRACT_TRANSITIONS: Final[Mapping[tuple[ContractStatus, LotEvent], ContractStatus]] = {
    (ContractStatus.AWARDED, LotEvent.SHIP): ContractStatus.SHIPPED,
    (ContractStatus.SHIPPED, LotEvent.RECEIVE): ContractStatus.RECEIVED,
    (ContractStatus.SHIPPED, LotEvent.RECEIVE_WITH_DISCREPANCY): ContractStatus.DISPUTED,
    (ContractStatus.DISPUTED, LotEvent.RESOLVE): ContractStatus.RECEIVED,
}


class AuctionStatus(StrEnum):
    """A sealed-bid auction is open until the worker closes it, once."""

    OPEN = "open"
    AWARDED = "awarded"
    UNSOLD = "unsold"


class AuctionEvent(StrEnum):
    """What closing an auction can do."""

    AWARD = "award"
    CLOSE_UNSOLD = "close_unsold"


AUCTION_TRANSITIONS: Final[Mapping[tuple[AuctionStatus, AuctionEvent], AuctionStatus]] = {
    (AuctionStatus.OPEN, AuctionEvent.AWARD): AuctionStatus.AWARDED,
    (AuctionStatus.OPEN, AuctionEvent.CLOSE_UNSOLD): AuctionStatus.UNSOLD,
}


class StandingBidStatus(StrEnum):
    """A standing bid is open until its plant withdraws it."""

    OPEN = "open"
    WITHDRAWN = "withdrawn"


class StandingBidEvent(StrEnum):
    """What a plant can do to its standing bid."""

    WITHDRAW = "withdraw"


STANDING_BID_TRANSITIONS: Final[
    Mapping[tuple[StandingBidStatus, StandingBidEvent], StandingBidStatus]
] = {
    (StandingBidStatus.OPEN, StandingBidEvent.WITHDRAW): StandingBidStatus.WITHDRAWN,
}


class IllegalStandingBidTransition(IllegalTransition):
    """A standing bid was asked to move in a way its table does not allow."""

    code = "exchange.illegal_standing_bid_transition"
    message = "Cannot {event} a standing bid that is {current}."


def next_standing_bid_status(
    current: StandingBidStatus, event: StandingBidEvent
) -> StandingBidStatus:
    """The standing bid's status after `event`, or raise IllegalStandingBidTransition."""
    try:
        return STANDING_BID_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalStandingBidTransition(event=event.value, current=current.value) from None


class PriceBasis(StrEnum):
    """What a standing bid's price is per."""

    UNIT = "unit"
    KG = "kg"


class IllegalContractTransition(IllegalTransition):
    """A contract was asked to move in a way its table does not allow."""

    code = "exchange.illegal_contract_transition"
    message = "Cannot {event} a contract that is {current}."


class IllegalAuctionTransition(IllegalTransition):
    """An auction was asked to move in a way its table does not allow."""

    code = "exchange.illegal_auction_transition"
    message = "Cannot {event} an auction that is {current}."


def next_contract_status(current: ContractStatus, event: LotEvent) -> ContractStatus:
    """The contract's status after its lot's `event`, or raise IllegalContractTransition."""
    try:
        return CONTRACT_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalContractTransition(event=event.value, current=current.value) from None


def next_auction_status(current: AuctionStatus, event: AuctionEvent) -> AuctionStatus:
    """The auction's status after `event`, or raise IllegalAuctionTransition."""
    try:
        return AUCTION_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalAuctionTransition(event=event.value, current=current.value) from None


# --- auctions ---------------------------------------------------------------------------------


class NotAnAuction(Conflict):
    """Bids go to auction lots; fixed-price buying to fixed-price lots."""

    code = "exchange.wrong_sale_method"
    message = "Lot {lot_id} is sold by {method}, not by {wanted}."


class AuctionClosed(Conflict):
    """The auction's closing time has passed (or it was closed)."""

    code = "exchange.auction_closed"
    message = "The auction of lot {lot_id} is closed."


class BidBelowReserve(InvalidInput):
    """Bids below the reserve are refused at once."""

    code = "exchange.bid_below_reserve"
    message = "A bid must reach the reserve price."


class AlreadyBid(Conflict):
    """A sealed-bid auction takes one bid per plant."""

    code = "exchange.already_bid"
    message = "Your plant has already bid on lot {lot_id}."


class InvalidClosingTime(InvalidInput):
    """An auction must close after it opens and within 30 days."""

    code = "exchange.invalid_closing_time"
    message = "An auction closes between now and 30 days from now."


@dataclass(frozen=True, slots=True)
class SealedBid:
    """A bid as the closing rule sees it."""

    id: int
    plant_id: int
    price_fen: int
    placed_at: datetime


def ranked_bids(bids: Sequence[SealedBid], *, reserve_fen: int) -> list[SealedBid]:
    """Bids at or above the reserve, best first: highest price, then earliest, then lowest id."""
    valid = [b for b in bids if b.price_fen >= reserve_fen]
    return sorted(valid, key=lambda b: (-b.price_fen, b.placed_at, b.id))


# --- standing bids --------------------------------------------------------------------------


class InvalidStandingBid(InvalidInput):
    """A standing bid with a non-positive price, quantity or radius."""

    code = "exchange.invalid_standing_bid"
    message = (
        "A standing bid needs a positive price, 1–1,000,000 units a month "
        "and a radius of 1–3,000 km."
    )


class StandingBidNotFound(NotFound):
    """No standing bid with this id visible to the actor."""

    code = "exchange.standing_bid_not_found"
    message = "Standing bid {bid_id} not found."


class ContractNotFound(NotFound):
    """No contract with this id visible to the actor."""

    code = "exchange.contract_not_found"
    message = "Contract {contract_id} not found."


def check_standing_bid(price_fen: int, units_per_month: int, radius_km: int) -> None:
    """Raise InvalidStandingBid unless the bid's numbers are sensible."""
    if not 0 < price_fen <= MAX_LOT_PRICE_FEN:
        raise InvalidStandingBid
    if not 0 < units_per_month <= 1_000_000 or not 0 < radius_km <= 3_000:
        raise InvalidStandingBid


def gross_fen(basis: PriceBasis, price_fen: int, *, units: int, grams: int) -> int:
    """What a standing bid pays for a lot: per unit × units, or per kg × kg rounded down.

    The repository computes the same integer expression in SQL; the two must agree.
    """
    if basis is PriceBasis.UNIT:
        return price_fen * units
    return price_fen * grams // 1000


def transport_fen(distance_m: int, *, fen_per_km: int) -> int:
    """Transport cost of a lot from station to plant: metres × rate per km, rounded down."""
    return distance_m * fen_per_km // 1000


def month_key(on: date) -> str:
    """The calendar month a standing bid's quantity counts in, 'YYYY-MM'."""
    return f"{on.year:04d}-{on.month:02d}"


def units_left_this_month(*, per_month: int, used: int, used_month: str, month: str) -> int:
    """Units a standing bid may still take in `month` (usage of an earlier month is reset)."""
    return per_month - used if used_month == month else per_month


@dataclass(frozen=True, slots=True)
class BidOffer:
    """A standing bid's offer for one lot, as the seller weighs it."""

    bid_id: int
    plant_id: int
    gross_fen: int
    transport_fen: int
    posted_at: datetime

    @property
    def net_fen(self) -> int:
        """What the seller is left with after transport."""
        return self.gross_fen - self.transport_fen


def offer_rank(offer: BidOffer) -> tuple[int, datetime, int]:
    """The order of offers for the seller (smaller first): higher net, then earlier bid."""
    return (-offer.net_fen, offer.posted_at, offer.bid_id)


def worth_taking(offer: BidOffer) -> bool:
    """An offer is considered only when it pays something and leaves the seller something."""
    return offer.net_fen > 0 and offer.gross_fen > 0


def best_offers(offers: Sequence[BidOffer]) -> list[BidOffer]:
    """Offers with a positive net price, best for the seller first: net, then earliest bid."""
    return sorted((o for o in offers if worth_taking(o)), key=offer_rank)
