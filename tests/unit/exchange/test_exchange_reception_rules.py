"""Reception and market-data rules: every branch, pure."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from ewaste.exchange import rules
from ewaste.exchange.rules import (
    DISCREPANCY_TRANSITIONS,
    EMPTY,
    MAX_REFERENCES,
    Clearing,
    DiscrepancyEvent,
    DiscrepancyKind,
    DiscrepancyStatus,
    IllegalDiscrepancyTransition,
    InvalidAdjustedPrice,
    InvalidDecisionReason,
    InvalidEvidence,
    LotEvent,
    LotStatus,
    ReceptionCheck,
    check_adjusted_price,
    check_reason,
    check_references,
    iso_week,
    next_discrepancy_status,
    next_lot_status,
    price_by_rule,
    recent_weeks,
    settle,
    utilisation_basis_points,
)
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.money import Money


@pytest.mark.parametrize(
    ("status", "event"), list(itertools.product(DiscrepancyStatus, DiscrepancyEvent))
)
def test_discrepancy_transitions_match_the_table(
    status: DiscrepancyStatus, event: DiscrepancyEvent
) -> None:
    expected = DISCREPANCY_TRANSITIONS.get((status, event))
    if expected is None:
        with pytest.raises(IllegalDiscrepancyTransition):
            next_discrepancy_status(status, event)
    else:
        assert next_discrepancy_status(status, event) is expected


def test_a_disputed_lot_is_received_once_resolved() -> None:
    assert next_lot_status(LotStatus.DISPUTED, LotEvent.RESOLVE) is LotStatus.RECEIVED


def _check(**kw: int) -> ReceptionCheck:
    base = {
        "lot_units": 4,
        "received_units": 4,
        "extra_units": 0,
        "expected_grams": 10_000,
        "received_grams": 10_000,
        "tolerance_basis_points": 300,
    }
    return ReceptionCheck(**{**base, **kw})


def test_a_matching_reception_has_no_discrepancy() -> None:
    check = _check(received_grams=10_300)
    assert check.kinds == ()
    assert check.weight_within_tolerance
    assert not check.decidable_by_rule


def test_missing_units_alone_are_decided_by_rule() -> None:
    check = _check(received_units=3, expected_grams=7_500, received_grams=7_500)
    assert check.missing_units == 1
    assert check.kinds == (DiscrepancyKind.MISSING_UNITS,)
    assert check.decidable_by_rule


def test_extra_units_and_weight_need_an_operator() -> None:
    check = _check(received_units=3, extra_units=2, received_grams=10_301)
    assert check.kinds == (
        DiscrepancyKind.MISSING_UNITS,
        DiscrepancyKind.EXTRA_UNITS,
        DiscrepancyKind.WEIGHT,
    )
    assert not check.decidable_by_rule
    assert _check(received_grams=9_699).kinds == (DiscrepancyKind.WEIGHT,)


def test_the_rule_pays_pro_rata_rounded_down() -> None:
    assert price_by_rule(Money(100), lot_units=3, received_units=2) == Money(66)
    assert price_by_rule(Money(100), lot_units=3, received_units=0) == Money(0)
    assert price_by_rule(Money(100), lot_units=3, received_units=3) == Money(100)
    with pytest.raises(InvalidInput):
        price_by_rule(Money(100), lot_units=3, received_units=4)
    with pytest.raises(InvalidInput):
        price_by_rule(Money(100), lot_units=0, received_units=0)


def test_settlement_shares_add_up_to_the_price() -> None:
    shares = settle(Money(480_00), Money(320_01), fee_basis_points=200)
    assert shares.station + shares.fee + shares.refund == Money(480_00)
    assert (shares.fee, shares.refund) == (Money(640), Money(159_99))
    full = settle(Money(480_00), Money(480_00), fee_basis_points=0)
    assert (full.station, full.fee, full.refund) == (Money(480_00), Money(0), Money(0))


def test_an_adjusted_price_outside_zero_to_the_price_is_refused() -> None:
    check_adjusted_price(Money(0), price=Money(10))
    check_adjusted_price(Money(10), price=Money(10))
    for bad in (Money(-1), Money(11)):
        with pytest.raises(InvalidAdjustedPrice):
            check_adjusted_price(bad, price=Money(10))


def test_a_reason_is_required_and_bounded() -> None:
    assert check_reason("  wet  ") == "wet"
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(InvalidDecisionReason):
            check_reason(bad)


def test_references_are_short_strings_without_duplicates() -> None:
    assert check_references([" photo:a/1.jpg", "ticket:9", "ticket:9"]) == (
        "photo:a/1.jpg",
        "ticket:9",
    )
    assert check_references([]) == ()
    for bad in (["has space"], [""], ["x" * 121], [f"p:{i}" for i in range(MAX_REFERENCES + 1)]):
        with pytest.raises(InvalidEvidence):
            check_references(bad)


def test_iso_weeks_and_the_recent_weeks() -> None:
    assert iso_week(date(2026, 11, 24)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    monday, weeks = recent_weeks(date(2026, 11, 24), 3)
    assert monday == date(2026, 11, 9)
    assert weeks == ("2026-W46", "2026-W47", "2026-W48")
    for bad in (0, 53):
        with pytest.raises(ValueError, match="weeks"):
            recent_weeks(date(2026, 11, 24), bad)


def test_clearing_prices_are_volume_weighted_and_rounded_down() -> None:
    c = EMPTY.plus(units=2, grams=3_000, price_fen=1_001).plus(units=1, grams=0, price_fen=500)
    assert c == Clearing(2, 3, 3_000, Money(1_501))
    assert (c.per_unit, c.per_kg) == (Money(500), Money(500))
    assert (EMPTY.per_unit, EMPTY.per_kg) == (Money(0), Money(0))


def test_utilisation_in_basis_points() -> None:
    assert utilisation_basis_points(1, 3) == 3_333
    assert utilisation_basis_points(5, 0) == 0


def test_a_unit_found_later_pays_its_pro_rata_share_and_never_beyond_the_price() -> None:
    price = Money(100_00)
    # 3 units, 1 received: the rule paid ¥33.33; each found unit then adds its share, and
    # the shares add up to the whole price, fen for fen.
    first = rules.price_of_found_unit(price, lot_units=3, received_units=1, paid=Money(33_33))
    second = rules.price_of_found_unit(
        price, lot_units=3, received_units=2, paid=Money(33_33) + first
    )
    assert (first, second) == (Money(33_33), Money(33_34))
    assert Money(33_33) + first + second == price
    # An operator who already paid ¥90 leaves ¥10 to pay; one who paid it all, nothing.
    assert rules.price_of_found_unit(
        price, lot_units=3, received_units=1, paid=Money(90_00)
    ) == Money(10_00)
    assert rules.price_of_found_unit(price, lot_units=3, received_units=1, paid=price) == Money(0)
    for received in (-1, 3):
        with pytest.raises(InvalidInput):
            rules.price_of_found_unit(price, lot_units=3, received_units=received, paid=Money(0))
