"""The market's pure rules: state tables walked whole, eligibility reasons, scoring, pricing."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from ewaste.exchange.rules import (
    ASSESSMENT_TRANSITIONS,
    AUCTION_TRANSITIONS,
    CHECKLIST,
    CONTRACT_TRANSITIONS,
    STANDING_BID_TRANSITIONS,
    AssessmentEvent,
    AssessmentNotPassed,
    AssessmentScore,
    AssessmentStatus,
    AuctionEvent,
    AuctionStatus,
    BidOffer,
    CapacityExhausted,
    CategoryNotLicensed,
    ContractStatus,
    EligibilityFacts,
    IllegalAssessmentTransition,
    IllegalAuctionTransition,
    IllegalContractTransition,
    IllegalStandingBidTransition,
    InvalidChecklist,
    InvalidLicence,
    InvalidStandingBid,
    LicenceNotValid,
    LicenceTerm,
    LotEvent,
    NoLicence,
    PriceBasis,
    ScoreTooLow,
    SealedBid,
    StandingBidEvent,
    StandingBidStatus,
    best_offers,
    check_eligible,
    check_licence,
    check_standing_bid,
    gross_fen,
    licensed_units,
    month_key,
    next_assessment_status,
    next_auction_status,
    next_contract_status,
    next_standing_bid_status,
    ranked_bids,
    score_checklist,
    transport_fen,
    units_left_this_month,
)

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
ON = date(2026, 11, 24)


@pytest.mark.parametrize(("status", "event"), list(itertools.product(ContractStatus, LotEvent)))
def test_contract_transitions_match_the_table(status: ContractStatus, event: LotEvent) -> None:
    if (status, event) in CONTRACT_TRANSITIONS:
        assert next_contract_status(status, event) is CONTRACT_TRANSITIONS[(status, event)]
    else:
        with pytest.raises(IllegalContractTransition):
            next_contract_status(status, event)


@pytest.mark.parametrize(("status", "event"), list(itertools.product(AuctionStatus, AuctionEvent)))
def test_auction_transitions_match_the_table(status: AuctionStatus, event: AuctionEvent) -> None:
    if (status, event) in AUCTION_TRANSITIONS:
        assert next_auction_status(status, event) is AUCTION_TRANSITIONS[(status, event)]
    else:
        with pytest.raises(IllegalAuctionTransition):
            next_auction_status(status, event)


@pytest.mark.parametrize(
    ("status", "event"), list(itertools.product(StandingBidStatus, StandingBidEvent))
)
def test_standing_bid_transitions_match_the_table(
    status: StandingBidStatus, event: StandingBidEvent
) -> None:
    if (status, event) in STANDING_BID_TRANSITIONS:
        assert next_standing_bid_status(status, event) is STANDING_BID_TRANSITIONS[(status, event)]
    else:
        with pytest.raises(IllegalStandingBidTransition):
            next_standing_bid_status(status, event)


PASSING = AssessmentScore({"environment": 100, "ohs": 100, "social": 100}, 100)


@pytest.mark.parametrize(
    ("status", "event"), list(itertools.product(AssessmentStatus, AssessmentEvent))
)
def test_assessment_transitions_match_the_table(
    status: AssessmentStatus, event: AssessmentEvent
) -> None:
    if (status, event) in ASSESSMENT_TRANSITIONS:
        after = next_assessment_status(status, event, PASSING)
        assert after is ASSESSMENT_TRANSITIONS[(status, event)]
    else:
        with pytest.raises(IllegalAssessmentTransition):
            next_assessment_status(status, event, PASSING)


def test_a_low_score_cannot_pass_but_can_fail() -> None:
    low = AssessmentScore({"environment": 50, "ohs": 100, "social": 100}, 80)
    with pytest.raises(ScoreTooLow):
        next_assessment_status(AssessmentStatus.SUBMITTED, AssessmentEvent.PASS, low)
    after = next_assessment_status(AssessmentStatus.SUBMITTED, AssessmentEvent.FAIL, low)
    assert after is AssessmentStatus.FAILED


class TestChecklist:
    every: tuple[str, ...] = tuple(item for items in CHECKLIST.values() for item in items)

    def test_all_met_scores_a_hundred_and_passes(self) -> None:
        score = score_checklist(dict.fromkeys(self.every, True))
        assert score.total == 100
        assert score.passes

    def test_a_weak_section_fails_even_with_a_good_total(self) -> None:
        answers = dict.fromkeys(self.every, True)
        for item in CHECKLIST["ohs"][:2]:
            answers[item] = False
        score = score_checklist(answers)
        assert score.sections["ohs"] == 50
        assert score.total >= 75
        assert not score.passes

    def test_a_missing_or_unknown_item_is_refused(self) -> None:
        with pytest.raises(InvalidChecklist):
            score_checklist(dict.fromkeys(self.every[1:], True))
        with pytest.raises(InvalidChecklist):
            score_checklist({**dict.fromkeys(self.every, True), "made_up": True})


def _facts(
    *, licences: tuple[LicenceTerm, ...] | None = None, passed: bool = True, used: int = 0
) -> EligibilityFacts:
    default = (LicenceTerm(date(2026, 1, 1), date(2026, 12, 31), {"tv_crt": 100}),)
    return EligibilityFacts(7, default if licences is None else licences, passed, used)


class TestEligibility:
    def test_a_licensed_assessed_plant_with_capacity_is_eligible(self) -> None:
        check_eligible(_facts(used=90), category="tv_crt", units=10, on=ON)

    def test_no_licence(self) -> None:
        with pytest.raises(NoLicence):
            check_eligible(_facts(licences=()), category="tv_crt", units=1, on=ON)

    def test_a_lapsed_licence(self) -> None:
        lapsed = (LicenceTerm(date(2025, 1, 1), date(2025, 12, 31), {"tv_crt": 100}),)
        with pytest.raises(LicenceNotValid):
            check_eligible(_facts(licences=lapsed), category="tv_crt", units=1, on=ON)

    def test_a_category_not_licensed(self) -> None:
        with pytest.raises(CategoryNotLicensed):
            check_eligible(_facts(), category="fridge", units=1, on=ON)

    def test_no_passed_assessment(self) -> None:
        with pytest.raises(AssessmentNotPassed):
            check_eligible(_facts(passed=False), category="tv_crt", units=1, on=ON)

    def test_capacity_used_up(self) -> None:
        with pytest.raises(CapacityExhausted) as caught:
            check_eligible(_facts(used=95), category="tv_crt", units=10, on=ON)
        assert caught.value.context["left"] == 5

    def test_the_largest_licence_in_force_counts(self) -> None:
        terms = (
            LicenceTerm(date(2026, 1, 1), date(2026, 12, 31), {"tv_crt": 100}),
            LicenceTerm(date(2026, 6, 1), date(2027, 5, 31), {"tv_crt": 300}),
        )
        assert licensed_units(_facts(licences=terms), category="tv_crt", on=ON) == 300


class TestLicence:
    def test_a_complete_licence_passes(self) -> None:
        check_licence("L-1", "广东", {"tv_crt": 10}, date(2026, 1, 1), date(2026, 12, 31))

    @pytest.mark.parametrize(
        ("number", "province", "units", "start", "end"),
        [
            (" ", "广东", {"tv_crt": 10}, date(2026, 1, 1), date(2026, 12, 31)),
            ("L-1", "", {"tv_crt": 10}, date(2026, 1, 1), date(2026, 12, 31)),
            ("L-1", "广东", {}, date(2026, 1, 1), date(2026, 12, 31)),
            ("L-1", "广东", {"tv_crt": 10}, date(2027, 1, 1), date(2026, 12, 31)),
            ("L-1", "广东", {"tv_crt": 0}, date(2026, 1, 1), date(2026, 12, 31)),
        ],
    )
    def test_an_incomplete_licence_is_refused(
        self, number: str, province: str, units: dict[str, int], start: date, end: date
    ) -> None:
        with pytest.raises(InvalidLicence):
            check_licence(number, province, units, start, end)


class TestStandingBids:
    def test_sensible_numbers_pass(self) -> None:
        check_standing_bid(100, 10, 100)

    @pytest.mark.parametrize(("price", "units", "radius"), [(0, 1, 1), (1, 0, 1), (1, 1, 3001)])
    def test_senseless_numbers_are_refused(self, price: int, units: int, radius: int) -> None:
        with pytest.raises(InvalidStandingBid):
            check_standing_bid(price, units, radius)

    def test_gross_per_unit_and_per_kg_rounded_down(self) -> None:
        assert gross_fen(PriceBasis.UNIT, 250, units=4, grams=999) == 1000
        assert gross_fen(PriceBasis.KG, 250, units=4, grams=1999) == 499

    def test_transport_is_rounded_down_to_the_fen(self) -> None:
        assert transport_fen(12_345, fen_per_km=800) == 9876

    def test_usage_of_an_earlier_month_is_reset(self) -> None:
        month = month_key(ON)
        assert month == "2026-11"
        assert units_left_this_month(per_month=10, used=4, used_month=month, month=month) == 6
        assert units_left_this_month(per_month=10, used=4, used_month="2026-10", month=month) == 10

    def test_best_net_first_then_earliest_and_unprofitable_dropped(self) -> None:
        far = BidOffer(1, 1, gross_fen=1000, transport_fen=600, posted_at=T0)
        near_late = BidOffer(2, 2, gross_fen=900, transport_fen=100, posted_at=T0)
        near_early = BidOffer(3, 3, gross_fen=850, transport_fen=50, posted_at=T0 - timedelta(1))
        loss = BidOffer(4, 4, gross_fen=100, transport_fen=200, posted_at=T0)
        assert [o.bid_id for o in best_offers([far, near_late, near_early, loss])] == [3, 2, 1]


def test_sealed_bids_rank_by_price_then_time_and_drop_those_below_reserve() -> None:
    bids = [
        SealedBid(1, 1, 500, T0 + timedelta(seconds=2)),
        SealedBid(2, 2, 500, T0 + timedelta(seconds=1)),
        SealedBid(3, 3, 700, T0 + timedelta(seconds=3)),
        SealedBid(4, 4, 99, T0),
    ]
    assert [b.id for b in ranked_bids(bids, reserve_fen=100)] == [3, 2, 1]
