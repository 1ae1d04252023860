"""The credit formula: bounded, monotone in the good counts, anti-monotone in the bad
ones, explained by contributions that add up to the score; tiers and their terms."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.credit.rules import (
    BASE,
    DEFAULT_POLICY,
    MAX_SCORE,
    Factor,
    History,
    Release,
    SettlementPolicy,
    Tier,
    credit_period,
    months_between,
    score_breakdown,
    settlement_tier,
    terms_for,
    weighing_is_accurate,
)
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.money import Money

GOOD = ("volume_grams", "months_active", "on_time", "accurate", "clean", "completed")
BAD = ("late", "inaccurate", "disputes_lost", "cancelled")

counts = st.integers(min_value=0, max_value=10_000)
histories = st.builds(
    History,
    role=st.sampled_from(("collector", "station")),
    volume_grams=st.integers(min_value=0, max_value=10**12),
    months_active=st.integers(min_value=0, max_value=600),
    on_time=counts,
    late=counts,
    accurate=counts,
    inaccurate=counts,
    clean=counts,
    disputes_lost=counts,
    completed=counts,
    cancelled=counts,
)


def score(h: History) -> int:
    return score_breakdown(h).score


@given(histories)
def test_the_score_is_bounded_and_is_the_sum_of_its_contributions(h: History) -> None:
    breakdown = score_breakdown(h)
    assert 0 <= breakdown.score <= MAX_SCORE
    assert breakdown.score == sum(c.points for c in breakdown.contributions)
    for c in breakdown.contributions:
        low, high = sorted((0, c.weight))
        assert low <= c.points <= high, c


@given(histories, st.sampled_from(GOOD), st.integers(min_value=1, max_value=10**6))
def test_more_of_a_good_count_never_lowers_the_score(h: History, field: str, more: int) -> None:
    better = replace(h, **{field: getattr(h, field) + more})
    assert score(better) >= score(h)


@given(histories, st.sampled_from(BAD), st.integers(min_value=1, max_value=10**6))
def test_more_of_a_bad_count_never_raises_the_score(h: History, field: str, more: int) -> None:
    worse = replace(h, **{field: getattr(h, field) + more})
    assert score(worse) <= score(h)


def test_a_new_party_has_the_base_score_and_the_new_tier() -> None:
    breakdown = score_breakdown(History("collector"))
    assert breakdown.score == BASE
    assert [c.factor for c in breakdown.contributions] == list(Factor)
    assert settlement_tier(breakdown.score) is Tier.NEW


def test_a_long_clean_record_reaches_the_top_tier_and_a_bad_one_falls() -> None:
    good = History(
        "collector",
        volume_grams=20_000_000,
        months_active=12,
        on_time=200,
        accurate=60,
        clean=60,
        completed=200,
    )
    points = {c.factor: c.points for c in score_breakdown(good).contributions}
    assert points == {
        Factor.BASE: 200,
        Factor.VOLUME: 150,
        Factor.MONTHS_ACTIVE: 100,
        Factor.ON_TIME: 300 * 200 // 204,
        Factor.WEIGHT_ACCURACY: 250 * 60 // 64,
        Factor.DISPUTES: 0,
        Factor.CANCELLATIONS: 0,
    }
    assert score(good) == 978
    assert settlement_tier(score(good)) is Tier.TOP
    # Two disputes lost in 62 receptions: 978 × ½ × (5 × 2 / 66), floored, is 74.
    few = {
        c.factor: c.points for c in score_breakdown(replace(good, disputes_lost=2)).contributions
    }
    assert few[Factor.DISPUTES] == -74
    # A third of the receptions lost, a third of the pickups late or cancelled: low tier.
    bad = replace(good, disputes_lost=30, cancelled=100, late=100)
    parts = {c.factor: c.points for c in score_breakdown(bad).contributions}
    earned = 200 + 150 + 100 + 300 * 200 // 304 + 250 * 60 // 64
    assert parts[Factor.DISPUTES] == -(earned // 2)
    assert parts[Factor.CANCELLATIONS] == -((earned - earned // 2) // 4)
    assert settlement_tier(score(bad)) is Tier.NEW
    worst = History("station", late=10**6, inaccurate=10**6, disputes_lost=10**6, cancelled=10**6)
    assert score(worst) == 200 - 100 - 25


def test_volume_and_months_are_capped_per_role() -> None:
    station = History("station", volume_grams=20_000_000, months_active=40)
    parts = {c.factor: c.points for c in score_breakdown(station).contributions}
    assert parts[Factor.VOLUME] == 15  # a station needs ten times a collector's volume
    assert parts[Factor.MONTHS_ACTIVE] == 100


@pytest.mark.parametrize(
    "bad", [{"role": "plant"}, {"role": "collector", "late": -1}], ids=["role", "negative"]
)
def test_a_history_refuses_unscored_roles_and_negative_counts(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        History(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score_", "tier", "release"),
    [
        (None, Tier.NEW, Release.AFTER_HOLDING),
        (0, Tier.NEW, Release.AFTER_HOLDING),
        (549, Tier.NEW, Release.AFTER_HOLDING),
        (550, Tier.MIDDLE, Release.AT_RECEPTION),
        (749, Tier.MIDDLE, Release.AT_RECEPTION),
        (750, Tier.TOP, Release.AT_AWARD),
        (1000, Tier.TOP, Release.AT_AWARD),
    ],
)
def test_tiers_and_their_terms(score_: int | None, tier: Tier, release: Release) -> None:
    terms = terms_for(score_)
    assert (terms.tier, terms.release, terms.score) == (tier, release, score_)
    if tier is Tier.TOP:
        assert terms.advance_limit == DEFAULT_POLICY.advance_limit
        assert terms.holding == timedelta(0)
    elif tier is Tier.MIDDLE:
        assert (terms.advance_limit, terms.holding) == (Money.zero(), timedelta(0))
    else:
        assert (terms.advance_limit, terms.holding) == (Money.zero(), DEFAULT_POLICY.holding)


def test_a_policy_moves_the_thresholds_and_limits() -> None:
    policy = SettlementPolicy(
        top_from=900, middle_from=400, advance_limit=Money(1_00), holding=timedelta(days=2)
    )
    assert terms_for(800, policy=policy).tier is Tier.MIDDLE
    assert terms_for(950, policy=policy).advance_limit == Money(1_00)
    assert terms_for(100, policy=policy).holding == timedelta(days=2)


@given(st.integers(min_value=0, max_value=MAX_SCORE), st.integers(min_value=0, max_value=100))
def test_a_higher_score_never_earns_a_lower_tier(s: int, more: int) -> None:
    order = [Tier.NEW, Tier.MIDDLE, Tier.TOP]
    assert order.index(settlement_tier(s + more)) >= order.index(settlement_tier(s))


def test_months_between_counts_whole_china_months() -> None:
    first = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)  # 1 Feb 00:00 in China
    assert months_between(first, datetime(2026, 2, 28, 16, 0, tzinfo=UTC)) == 1
    assert months_between(first, datetime(2026, 2, 28, 15, 59, tzinfo=UTC)) == 0
    assert months_between(first, datetime(2027, 2, 1, tzinfo=UTC)) == 12
    assert months_between(first, first - timedelta(days=40)) == 0


def test_a_weighing_within_three_percent_is_accurate() -> None:
    assert weighing_is_accurate(100_000, 103_000)
    assert weighing_is_accurate(100_000, 97_000)
    assert not weighing_is_accurate(100_000, 96_999)


def test_the_period_is_the_iso_week_of_the_china_date() -> None:
    assert credit_period(datetime(2026, 11, 24, 2, 0, tzinfo=UTC)) == "2026-W48"
    # Sunday 23:30 UTC is Monday 07:30 in China: the next week.
    assert credit_period(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == "2026-W49"
    assert credit_period(datetime(2027, 1, 1, 2, 0, tzinfo=UTC)) == "2026-W53"
