"""The option pool's rules: the 20 % cap under any sequence of operations, whole-share
splits that lose nothing, vesting, qualification and the partner state table."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.kernel.errors import DomainError
from ewaste.partners.rules import (
    MAX_POOL_BASIS_POINTS,
    PARTNER_TRANSITIONS,
    IllegalPartnerTransition,
    InvalidPoolTerms,
    InvalidShares,
    PartnerEvent,
    PartnerStatus,
    PoolBelowOutstanding,
    PoolExhausted,
    PoolOverCap,
    PoolState,
    PoolTerms,
    add_months,
    current_month,
    is_inactive,
    last_complete_month,
    month_bounds,
    months_apart,
    next_partner_status,
    pool_within_cap,
    qualifies,
    share_basis_points,
    split_by_volume,
    vested_by_schedule,
)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("grant"), st.integers(min_value=-5, max_value=3_000_000)),
        st.tuples(st.just("forfeit"), st.integers(min_value=-5, max_value=3_000_000)),
        st.tuples(
            st.just("resize"),
            st.tuples(
                st.integers(min_value=1, max_value=20_000_000),
                st.integers(min_value=0, max_value=5_000_000),
            ),
        ),
    ),
    max_size=60,
)


def _within_20_percent(state: PoolState) -> bool:
    return (
        0 <= state.outstanding_shares <= state.cap_shares
        and state.cap_shares * 10_000 <= state.total_shares * MAX_POOL_BASIS_POINTS
    )


@given(operations)
def test_the_pool_never_exceeds_20_percent_under_any_sequence(ops: list[tuple]) -> None:
    state = PoolState(10_000_000, 2_000_000)
    for kind, value in ops:
        try:
            if kind == "grant":
                state = state.grant(value)
            elif kind == "forfeit":
                state = state.forfeit(value)
            else:
                state = state.resize(*value)
        except DomainError:
            pass  # refused: the state is unchanged
        assert _within_20_percent(state)
        assert state.available_shares == state.cap_shares - state.outstanding_shares


def test_a_pool_over_20_percent_cannot_be_built() -> None:
    assert pool_within_cap(100, 20)
    assert not pool_within_cap(100, 21)
    with pytest.raises(PoolOverCap):
        PoolState(100, 21)
    with pytest.raises(PoolBelowOutstanding):
        PoolState(100, 10, 11)
    with pytest.raises(InvalidPoolTerms):
        PoolState(0, 0)


def test_grants_stop_at_the_pool_and_forfeits_come_back() -> None:
    state = PoolState(1_000, 200).grant(150)
    with pytest.raises(PoolExhausted) as refused:
        state.grant(51)
    assert refused.value.context == {"available_shares": 50, "shares": 51}
    with pytest.raises(InvalidShares):
        state.grant(0)
    with pytest.raises(InvalidShares):
        state.forfeit(151)
    assert state.forfeit(100).available_shares == 150
    with pytest.raises(PoolBelowOutstanding):
        state.resize(1_000, 149)
    assert state.resize(750, 150).available_shares == 0


@given(
    st.integers(min_value=0, max_value=10**9),
    st.dictionaries(
        st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=10**9)
    ),
)
def test_a_split_by_volume_loses_no_share_and_follows_volume(
    budget: int, volumes: dict[int, int]
) -> None:
    shares = split_by_volume(budget, volumes)
    total = sum(v for v in volumes.values() if v > 0)
    assert sum(shares.values()) == (budget if total else 0)
    for party, n in shares.items():
        assert volumes[party] > 0
        assert n > 0
        exact_floor = budget * volumes[party] // total
        assert exact_floor <= n <= exact_floor + 1


def test_a_split_breaks_ties_toward_the_lower_party_id() -> None:
    assert split_by_volume(10, {7: 1, 3: 1, 5: 1}) == {3: 4, 5: 3, 7: 3}
    assert split_by_volume(0, {1: 5}) == {}
    assert split_by_volume(5, {1: 0}) == {}


@given(
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=1, max_value=120),
    st.integers(min_value=0, max_value=120),
    st.integers(min_value=0, max_value=200),
)
def test_vesting_is_monotone_and_ends_at_the_grant(
    granted: int, vesting: int, cliff: int, months: int
) -> None:
    cliff = min(cliff, vesting)
    now = vested_by_schedule(granted, months, vesting_months=vesting, cliff_months=cliff)
    later = vested_by_schedule(granted, months + 1, vesting_months=vesting, cliff_months=cliff)
    assert 0 <= now <= later <= granted
    assert vested_by_schedule(granted, vesting, vesting_months=vesting, cliff_months=cliff) == (
        granted
    )


def test_nothing_vests_before_the_cliff_and_the_cliff_catches_up() -> None:
    assert vested_by_schedule(4800, 11, vesting_months=48, cliff_months=12) == 0
    assert vested_by_schedule(4800, 12, vesting_months=48, cliff_months=12) == 1200
    assert vested_by_schedule(4800, 13, vesting_months=48, cliff_months=12) == 1300
    assert vested_by_schedule(4800, 1, vesting_months=48, cliff_months=0) == 100
    assert vested_by_schedule(4800, 0, vesting_months=48, cliff_months=0) == 0


def test_qualification_needs_every_month_of_the_window_at_the_threshold() -> None:
    terms = PoolTerms(threshold_grams=100, qualify_months=3, inactive_months=2)
    assert qualifies([0, 100, 150, 100], terms)
    assert not qualifies([100, 99, 100], terms)
    assert not qualifies([100, 100], terms)
    assert is_inactive([5, 0, 0], terms)
    assert not is_inactive([0, 5, 0], terms)
    assert not is_inactive([0], terms)
    assert terms.months_read == 3


@pytest.mark.parametrize(
    "bad",
    [
        {"threshold_grams": 0},
        {"qualify_months": 0},
        {"monthly_grant_shares": -1},
        {"vesting_months": 0},
        {"cliff_months": 49},
        {"inactive_months": 25},
    ],
)
def test_terms_out_of_range_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(InvalidPoolTerms):
        PoolTerms(**bad)


def test_months_in_china_time() -> None:
    assert add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert months_apart("2025-11", "2026-02") == 3
    start, end = month_bounds("2026-11")
    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    # 30 Nov 17:00 UTC is already 1 December in China.
    assert current_month(datetime(2026, 11, 30, 17, 0, tzinfo=UTC)) == "2026-12"
    assert last_complete_month(datetime(2026, 11, 30, 17, 0, tzinfo=UTC)) == "2026-11"
    assert share_basis_points(1, 3) == 3333


@pytest.mark.parametrize("status", list(PartnerStatus))
@pytest.mark.parametrize("event", list(PartnerEvent))
def test_every_partner_status_and_event(status: PartnerStatus, event: PartnerEvent) -> None:
    if (status, event) in PARTNER_TRANSITIONS:
        assert next_partner_status(status, event) is PARTNER_TRANSITIONS[(status, event)]
    else:
        with pytest.raises(IllegalPartnerTransition):
            next_partner_status(status, event)
