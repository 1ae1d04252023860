"""Exchange rules (foundation): lot states, fixed-price sale, reception tolerance, fees."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
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
    WITHDRAW = "withdraw"


LOT_TRANSITIONS: Final[Mapping[tuple[LotStatus, LotEvent], LotStatus]] = {
    (LotStatus.LISTED, LotEvent.BUY): LotStatus.SOLD,
    (LotStatus.LISTED, LotEvent.WITHDRAW): LotStatus.WITHDRAWN,
    (LotStatus.SOLD, LotEvent.SHIP): LotStatus.SHIPPED,
    (LotStatus.SHIPPED, LotEvent.RECEIVE): LotStatus.RECEIVED,
    (LotStatus.SHIPPED, LotEvent.RECEIVE_WITH_DISCREPANCY): LotStatus.DISPUTED,
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


class UnitsNotInLot(InvalidInput):
    """The plant scanned a unit that is not part of the lot."""

    code = "exchange.unit_not_in_lot"
    message = "Unit {unit_code} is not part of lot {lot_id}."


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


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What the plant counted and weighed against what the lot says."""

    expected_units: int
    received_units: int
    expected_grams: int
    received_grams: int
    tolerance_basis_points: int

    @property
    def missing_units(self) -> int:
        """Units in the lot that the plant did not scan."""
        return self.expected_units - self.received_units

    @property
    def weight_within_tolerance(self) -> bool:
        """True when the load's weight is within the tolerance of the lot's weight."""
        allowed = self.expected_grams * self.tolerance_basis_points // 10_000
        return abs(self.received_grams - self.expected_grams) <= allowed

    @property
    def matches(self) -> bool:
        """True when every unit arrived and the weight is within tolerance."""
        return self.missing_units == 0 and self.weight_within_tolerance


def split_fee(price: Money, *, fee_basis_points: int) -> tuple[Money, Money]:
    """(seller's share, platform fee) of a price; the two always add up to the price.

    The fee is rounded down to the fen: a fraction of a fen always stays with the seller.
    Raises InvalidInput for a fee rate outside 0–100 %.
    """
    if not 0 <= fee_basis_points <= 10_000:
        raise InvalidInput("The fee rate must be 0–10,000 basis points.", bp=fee_basis_points)
    fee = price.times(Decimal(fee_basis_points) / 10_000, rounding=ROUND_DOWN)
    return price - fee, fee


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


# --- who may buy --------------------------------------------------------------------------


class NotEligible(Conflict):
    """Base of the reasons a plant may not bid on or buy a lot."""

    code = "exchange.not_eligible"
    message = "This plant may not buy this lot."


class NoLicence(NotEligible):
    """The plant holds no licence at all."""

    code = "exchange.no_licence"
    message = "Plant {plant_id} holds no dismantling licence."


class LicenceNotValid(NotEligible):
    """The plant's licences have lapsed or are not yet in force on the date."""

    code = "exchange.licence_not_valid"
    message = "Plant {plant_id} holds no licence in force on {on}."


class CategoryNotLicensed(NotEligible):
    """The plant's licence in force does not cover the category."""

    code = "exchange.category_not_licensed"
    message = "Plant {plant_id} is not licensed to dismantle {category}."


class CapacityExhausted(NotEligible):
    """The lot would take the plant beyond its licensed annual capacity for the category."""

    code = "exchange.capacity_exhausted"
    message = "Plant {plant_id} has {left} unit(s) of {category} capacity left this year."


class AssessmentNotPassed(NotEligible):
    """The plant has not passed its conformity assessment."""

    code = "exchange.assessment_not_passed"
    message = "Plant {plant_id} has not passed its conformity assessment."


@dataclass(frozen=True, slots=True)
class LicenceTerm:
    """One licence as eligibility sees it: validity and annual units per category."""

    valid_from: date
    valid_to: date
    annual_units: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class EligibilityFacts:
    """Everything the eligibility rule needs about one plant, read in one place."""

    plant_id: int
    licences: tuple[LicenceTerm, ...]
    assessment_passed: bool
    contracted_units_this_year: int
    """Units of the category in the plant's contracts awarded this calendar year."""


def licensed_units(facts: EligibilityFacts, *, category: str, on: date) -> int:
    """Annual units of `category` licensed on `on` (the largest licence in force)."""
    in_force = [t for t in facts.licences if t.valid_from <= on <= t.valid_to]
    return max((t.annual_units.get(category, 0) for t in in_force), default=0)


def check_eligible(facts: EligibilityFacts, *, category: str, units: int, on: date) -> None:
    """Raise the first reason the plant may not take `units` of `category` on `on`.

    In order: no licence, none in force, category not covered, assessment not passed,
    capacity left this year (licensed minus contracted) below `units`.
    """
    if not facts.licences:
        raise NoLicence(plant_id=facts.plant_id)
    in_force = [t for t in facts.licences if t.valid_from <= on <= t.valid_to]
    if not in_force:
        raise LicenceNotValid(plant_id=facts.plant_id, on=on.isoformat())
    licensed = licensed_units(facts, category=category, on=on)
    if licensed <= 0:
        raise CategoryNotLicensed(plant_id=facts.plant_id, category=category)
    if not facts.assessment_passed:
        raise AssessmentNotPassed(plant_id=facts.plant_id)
    left = licensed - facts.contracted_units_this_year
    if left < units:
        raise CapacityExhausted(plant_id=facts.plant_id, category=category, left=max(left, 0))


class InvalidLicence(InvalidInput):
    """A licence with no categories, non-positive capacity or an empty validity period."""

    code = "exchange.invalid_licence"
    message = (
        "A licence needs a number, a province, categories with positive annual units, "
        "and valid_from ≤ valid_to."
    )


class LicenceNumberTaken(Conflict):
    """Licence numbers are unique."""

    code = "exchange.licence_number_taken"
    message = "Licence number {number} is already recorded."


class NotAPlant(InvalidInput):
    """Licences and assessments belong to plants."""

    code = "exchange.not_a_plant"
    message = "Organisation {organisation_id} is not a dismantling plant."


def check_licence(
    number: str, province: str, units: Mapping[str, int], start: date, end: date
) -> None:
    """Raise InvalidLicence unless the licence is complete and coherent."""
    if not number.strip() or not province.strip() or not units or start > end:
        raise InvalidLicence
    if any(n <= 0 or n > 100_000_000 for n in units.values()):
        raise InvalidLicence


# --- conformity assessment ------------------------------------------------------------------


class AssessmentStatus(StrEnum):
    """A conformity assessment is recorded, then reviewed by an operator."""

    SUBMITTED = "submitted"
    PASSED = "passed"
    FAILED = "failed"


class AssessmentEvent(StrEnum):
    """An operator's review decision."""

    PASS = "pass"  # noqa: S105 - a review decision, not a password
    FAIL = "fail"


ASSESSMENT_TRANSITIONS: Final[
    Mapping[tuple[AssessmentStatus, AssessmentEvent], AssessmentStatus]
] = {
    (AssessmentStatus.SUBMITTED, AssessmentEvent.PASS): AssessmentStatus.PASSED,
    (AssessmentStatus.SUBMITTED, AssessmentEvent.FAIL): AssessmentStatus.FAILED,
}

CHECKLIST: Final[Mapping[str, tuple[str, ...]]] = {
    "environment": (
        "env_permit",
        "refrigerant_recovery",
        "crt_glass_handling",
        "wastewater_treatment",
        "dust_and_fume_control",
        "hazardous_waste_manifests",
    ),
    "ohs": ("protective_equipment", "safety_training", "emergency_plan", "health_checks"),
    "social": ("labour_contracts", "no_child_labour", "working_hours", "community_grievances"),
}
"""The conformity checklist: section → items (environment, occupational health and safety,
social responsibility). Each item is met or not."""

PASS_SECTION_PERCENT: Final = 60
PASS_TOTAL_PERCENT: Final = 75


class InvalidChecklist(InvalidInput):
    """A checklist answer for an item the checklist does not have, or an item left out."""

    code = "exchange.invalid_checklist"
    message = "Answer every checklist item, and only those: {items}."


class IllegalAssessmentTransition(IllegalTransition):
    """An assessment was reviewed twice, or passed with too low a score."""

    code = "exchange.illegal_assessment_transition"
    message = "Cannot {event} an assessment that is {current}."


class ScoreTooLow(Conflict):
    """An operator tried to pass an assessment whose score is below the threshold."""

    code = "exchange.assessment_score_too_low"
    message = (
        "The assessment scored {total}% (sections {sections}); passing needs {needed}% "
        "and every section {section}%."
    )


@dataclass(frozen=True, slots=True)
class AssessmentScore:
    """Percent of items met per section and overall."""

    sections: Mapping[str, int]
    total: int

    @property
    def passes(self) -> bool:
        """True when every section and the total reach their thresholds."""
        return self.total >= PASS_TOTAL_PERCENT and all(
            v >= PASS_SECTION_PERCENT for v in self.sections.values()
        )


def score_checklist(answers: Mapping[str, bool]) -> AssessmentScore:
    """Score a complete checklist; raise InvalidChecklist for missing or unknown items."""
    every = [item for items in CHECKLIST.values() for item in items]
    if set(answers) != set(every):
        raise InvalidChecklist(items=", ".join(every))
    sections = {
        name: 100 * sum(1 for i in items if answers[i]) // len(items)
        for name, items in CHECKLIST.items()
    }
    total = 100 * sum(1 for i in every if answers[i]) // len(every)
    return AssessmentScore(sections, total)


def next_assessment_status(
    current: AssessmentStatus, event: AssessmentEvent, score: AssessmentScore
) -> AssessmentStatus:
    """The status after a review; passing needs a passing score."""
    try:
        after = ASSESSMENT_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalAssessmentTransition(event=event.value, current=current.value) from None
    if after is AssessmentStatus.PASSED and not score.passes:
        raise ScoreTooLow(
            total=score.total,
            sections=dict(score.sections),
            needed=PASS_TOTAL_PERCENT,
            section=PASS_SECTION_PERCENT,
        )
    return after


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


def best_offers(offers: Sequence[BidOffer]) -> list[BidOffer]:
    """Offers with a positive net price, best for the seller first: net, then earliest bid."""
    return sorted(
        (o for o in offers if o.net_fen > 0 and o.gross_fen > 0),
        key=lambda o: (-o.net_fen, o.posted_at, o.bid_id),
    )
