"""The pure claim rules: periods in China time, the rate in force on a date, states."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ewaste.compliance import claim_rules as r
from ewaste.compliance.claims import subsidy_bands


def rate(category: str, on: date, **attributes: object) -> int | None:
    return r.rate_on(category, attributes, on, subsidy_bands()).rate_fen  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("category", "attributes", "before", "after", "change"),
    [
        ("refrigerator", {"volume_l": 200}, 80_00, 80_00, date(2016, 1, 1)),
        ("tv_flat", {}, 85_00, 70_00, date(2016, 1, 1)),
        ("laptop", {}, 85_00, 70_00, date(2016, 1, 1)),
        ("air_conditioner", {"cooling_w": 3500}, 35_00, 130_00, date(2016, 1, 1)),
        ("refrigerator", {"volume_l": 200}, 80_00, 55_00, date(2021, 4, 1)),
        ("tv_crt", {"screen_inch": 21}, 60_00, 40_00, date(2021, 4, 1)),
        ("tv_flat", {}, 70_00, 45_00, date(2021, 4, 1)),
        ("air_conditioner", {"cooling_w": 3500}, 130_00, 100_00, date(2021, 4, 1)),
    ],
)
def test_the_rate_on_each_side_of_a_schedule_change(
    category: str, attributes: dict[str, object], before: int, after: int, change: date
) -> None:
    assert rate(category, date.fromordinal(change.toordinal() - 1), **attributes) == before
    assert rate(category, change, **attributes) == after


def test_conditions() -> None:
    on = date(2022, 1, 1)
    assert rate("tv_crt", on, screen_inch=13) is None
    assert rate("tv_crt", on, screen_inch=14) == 40_00
    assert rate("refrigerator", on, volume_l=49) is None
    assert rate("refrigerator", on, volume_l=50) == 55_00
    assert rate("washing_machine", on, type="drum", capacity_kg=3) is None
    assert rate("washing_machine", on, type="single_tub", capacity_kg=4) == 25_00
    assert rate("tablet", on) is None
    unknown = r.rate_on("refrigerator", {}, on, subsidy_bands())
    assert (unknown.exclusion, unknown.detail) == (r.Exclusion.ATTRIBUTES_UNKNOWN, "volume_l")
    assert r.rate_on("tablet", {}, on, subsidy_bands()).exclusion is r.Exclusion.NO_SCHEDULE
    assert r.rate_on("tv_flat", {}, date(2012, 6, 30), subsidy_bands()).rate_fen is None


def test_periods_are_months_or_quarters_in_china_time() -> None:
    q4 = r.parse_period("2021-q4")
    assert (q4.label, q4.start, q4.end) == ("2021-Q4", date(2021, 10, 1), date(2022, 1, 1))
    start, end = r.parse_period("2021-04").bounds_utc()
    assert start == datetime(2021, 3, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2021, 4, 30, 16, 0, tzinfo=UTC)
    for bad in ("2021", "2021-13", "2021-Q5", "21-01", ""):
        with pytest.raises(r.InvalidPeriod):
            r.parse_period(bad)


def test_claim_states() -> None:
    assert r.next_claim_status(r.ClaimStatus.DRAFT, r.ClaimAction.SUBMIT) is r.ClaimStatus.SUBMITTED
    assert (
        r.next_claim_status(r.ClaimStatus.SUBMITTED, r.ClaimAction.REJECT) is r.ClaimStatus.REJECTED
    )
    with pytest.raises(r.IllegalClaimTransition):
        r.next_claim_status(r.ClaimStatus.DRAFT, r.ClaimAction.APPROVE)
    assert r.claim_total_fen([40_00, 45_00]) == 85_00
