"""Settlement rules: the state table walked pair by pair, the advance and the payment split
(every branch), and a property: a payment never creates or loses a fen."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.kernel.money import Money
from ewaste.settlement import rules
from ewaste.settlement.rules import SettlementEvent, SettlementStatus


@pytest.mark.parametrize(
    ("status", "event"), list(itertools.product(SettlementStatus, SettlementEvent))
)
def test_every_pair_of_the_state_table(status: SettlementStatus, event: SettlementEvent) -> None:
    expected = rules.SETTLEMENT_TRANSITIONS.get((status, event))
    if expected is None:
        with pytest.raises(rules.IllegalSettlementTransition) as refused:
            rules.next_settlement_status(status, event)
        assert refused.value.code == "settlement.illegal_transition"
    else:
        assert rules.next_settlement_status(status, event) is expected


def test_settled_is_terminal() -> None:
    assert not any(s is SettlementStatus.SETTLED for s, _ in rules.SETTLEMENT_TRANSITIONS)


def test_the_advance_is_the_share_within_what_is_left_of_the_limit() -> None:
    limit = Money(20_000_00)
    assert rules.advance_for(
        Money(470_40), limit=limit, outstanding=Money(0), owed=Money(0)
    ) == Money(470_40)
    assert rules.advance_for(
        Money(15_000_00), limit=limit, outstanding=Money(14_700_00), owed=Money(0)
    ) == Money(5_300_00)


def test_no_advance_beyond_the_limit_or_while_the_seller_owes() -> None:
    limit = Money(20_000_00)
    assert rules.advance_for(Money(100), limit=limit, outstanding=limit, owed=Money(0)) == Money(0)
    assert rules.advance_for(
        Money(100), limit=Money(0), outstanding=Money(0), owed=Money(0)
    ) == Money(0)
    assert rules.advance_for(Money(100), limit=limit, outstanding=Money(0), owed=Money(1)) == Money(
        0
    )


def test_a_payment_repays_the_advance_then_the_debt_then_pays_the_seller() -> None:
    paid = rules.payment(Money(1000), advanced=Money(300), owed=Money(200))
    assert (paid.repaid, paid.recovered, paid.seller, paid.shortfall) == (
        Money(300),
        Money(200),
        Money(500),
        Money(0),
    )
    assert paid.fund == Money(500)


def test_a_share_below_the_advance_leaves_a_shortfall_and_recovers_nothing() -> None:
    paid = rules.payment(Money(294_00), advanced=Money(470_40), owed=Money(50))
    assert (paid.repaid, paid.recovered, paid.seller, paid.shortfall) == (
        Money(294_00),
        Money(0),
        Money(0),
        Money(176_40),
    )


def test_a_debt_larger_than_the_share_takes_all_of_it() -> None:
    paid = rules.payment(Money(100), advanced=Money(0), owed=Money(500))
    assert (paid.recovered, paid.seller) == (Money(100), Money(0))


amounts = st.integers(min_value=0, max_value=10**9)


@given(share=amounts, advanced=amounts, owed=amounts)
def test_a_payment_adds_up_to_the_share(share: int, advanced: int, owed: int) -> None:
    paid = rules.payment(Money(share), advanced=Money(advanced), owed=Money(owed))
    assert paid.fund + paid.seller == Money(share)
    assert paid.repaid + paid.shortfall == Money(advanced)
    assert min(paid.repaid, paid.recovered, paid.seller, paid.shortfall) >= Money(0)
    assert paid.recovered <= Money(owed)
