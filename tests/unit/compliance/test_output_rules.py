"""Dismantling output checks: every reason both ways, the state table, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.catalog.datafiles import catalogue
from ewaste.compliance.claim_rules import Exclusion, check_exclusion
from ewaste.compliance.output_rules import (
    CHECK_TRANSITIONS,
    CheckEvent,
    CheckReason,
    CheckStatus,
    Flag,
    IllegalCheckTransition,
    InvalidReviewNote,
    check_outputs,
    check_review_note,
    describe,
    expected_shares,
    next_check_status,
    status_for,
)
from ewaste.compliance.rules import Fraction

F = Fraction
FRIDGE = {
    F.FERROUS: 3810,
    F.COMPRESSOR: 2040,
    F.PLASTICS: 1720,
    F.FOAM: 1695,
    F.COPPER: 245,
    F.ALUMINIUM: 105,
    F.OIL: 40,
    F.REFRIGERANT: 25,
    F.GLASS: 90,
    F.OTHER: 230,
}
CRT = {F.CRT_GLASS: 6420, F.PLASTICS: 1686, F.FERROUS: 540, F.OTHER: 1354}


def as_expected(shares: dict[Fraction, int], door: int) -> dict[Fraction, int]:
    return {f: door * bp // 10_000 for f, bp in shares.items()}


def reasons(flags: tuple[Flag, ...]) -> set[tuple[CheckReason, str]]:
    return {(f.reason, f.fraction) for f in flags}


class TestTotal:
    def test_outputs_as_expected_pass(self) -> None:
        outputs = as_expected(FRIDGE, 40_000)
        assert (
            check_outputs(outputs, door_grams=40_000, shares_bp=FRIDGE, catalogue_grams=40_790)
            == ()
        )

    def test_outputs_far_lighter_than_the_unit_are_flagged(self) -> None:
        outputs = {F.PLASTICS: 8_000}
        flags = check_outputs(outputs, door_grams=10_000, shares_bp={}, catalogue_grams=0)
        assert flags == (Flag(CheckReason.TOTAL_SHORT, "", 10_000, 8_000),)

    def test_outputs_at_85_percent_pass(self) -> None:
        assert (
            check_outputs({F.PLASTICS: 8_500}, door_grams=10_000, shares_bp={}, catalogue_grams=0)
            == ()
        )

    def test_outputs_over_105_percent_are_flagged(self) -> None:
        flags = check_outputs(
            {F.PLASTICS: 10_501}, door_grams=10_000, shares_bp={}, catalogue_grams=0
        )
        assert flags == (Flag(CheckReason.TOTAL_OVER, "", 10_000, 10_501),)

    def test_outputs_at_105_percent_pass(self) -> None:
        assert (
            check_outputs({F.PLASTICS: 10_500}, door_grams=10_000, shares_bp={}, catalogue_grams=0)
            == ()
        )


class TestDoorMass:
    @pytest.mark.parametrize(
        ("door", "flagged"), [(4_999, True), (5_000, False), (20_000, False), (20_001, True)]
    )
    def test_a_door_mass_outside_half_to_twice_the_catalogue_mass_is_flagged(
        self, door: int, flagged: bool
    ) -> None:
        flags = check_outputs(
            {F.OTHER: door}, door_grams=door, shares_bp={}, catalogue_grams=10_000
        )
        assert (flags == (Flag(CheckReason.MASS_UNLIKE_CATEGORY, "", 10_000, door),)) is flagged

    def test_an_unknown_catalogue_mass_is_not_checked(self) -> None:
        assert check_outputs({F.OTHER: 50}, door_grams=50, shares_bp={}, catalogue_grams=0) == ()


class TestFractions:
    def test_a_fridge_that_yields_no_refrigerant_is_flagged(self) -> None:
        outputs = as_expected(FRIDGE, 40_000)
        outputs[F.OTHER] += outputs.pop(F.REFRIGERANT)
        flags = check_outputs(outputs, door_grams=40_000, shares_bp=FRIDGE, catalogue_grams=0)
        assert reasons(flags) == {(CheckReason.NOT_CAPTURED, "refrigerant")}
        assert flags[0].expected_grams == 100

    def test_a_fridge_with_a_little_refrigerant_is_short(self) -> None:
        outputs = as_expected(FRIDGE, 40_000)
        outputs[F.REFRIGERANT] = 49
        flags = check_outputs(outputs, door_grams=40_000, shares_bp=FRIDGE, catalogue_grams=0)
        assert reasons(flags) == {(CheckReason.FRACTION_SHORT, "refrigerant")}

    def test_half_the_expected_refrigerant_passes(self) -> None:
        outputs = as_expected(FRIDGE, 40_000)
        outputs[F.REFRIGERANT] = 50
        assert check_outputs(outputs, door_grams=40_000, shares_bp=FRIDGE, catalogue_grams=0) == ()

    def test_a_crt_tv_with_too_little_crt_glass_is_flagged(self) -> None:
        outputs = as_expected(CRT, 20_000)
        outputs[F.PLASTICS] += 7_000
        outputs[F.CRT_GLASS] -= 7_000
        flags = check_outputs(outputs, door_grams=20_000, shares_bp=CRT, catalogue_grams=0)
        assert (CheckReason.FRACTION_SHORT, "crt_glass") in reasons(flags)
        assert (CheckReason.FRACTION_OVER, "plastics") in reasons(flags)

    def test_a_main_fraction_that_is_not_hazardous_is_checked_from_below(self) -> None:
        shares = {F.FERROUS: 5_000, F.PLASTICS: 5_000}
        flags = check_outputs(
            {F.FERROUS: 2_000, F.PLASTICS: 8_000},
            door_grams=10_000,
            shares_bp=shares,
            catalogue_grams=0,
        )
        assert reasons(flags) == {(CheckReason.FRACTION_SHORT, "ferrous")}

    def test_a_minor_fraction_that_is_not_hazardous_is_not_checked_from_below(self) -> None:
        shares = {F.FERROUS: 8_000, F.COPPER: 2_000}
        outputs = {F.FERROUS: 10_000}
        assert check_outputs(outputs, door_grams=10_000, shares_bp=shares, catalogue_grams=0) == ()

    def test_a_tiny_expected_fraction_is_not_checked_from_below(self) -> None:
        shares = {F.PLASTICS: 9_990, F.REFRIGERANT: 10}
        outputs = {F.PLASTICS: 10_000}
        assert check_outputs(outputs, door_grams=10_000, shares_bp=shares, catalogue_grams=0) == ()

    def test_a_fraction_the_unit_does_not_contain_is_over_above_5_percent(self) -> None:
        shares = {F.PLASTICS: 10_000}
        ok = {F.PLASTICS: 9_500, F.CRT_GLASS: 500}
        assert check_outputs(ok, door_grams=10_000, shares_bp=shares, catalogue_grams=0) == ()
        over = {F.PLASTICS: 9_499, F.CRT_GLASS: 501}
        flags = check_outputs(over, door_grams=10_000, shares_bp=shares, catalogue_grams=0)
        assert flags == (Flag(CheckReason.FRACTION_OVER, "crt_glass", 0, 501),)

    def test_without_a_composition_only_the_total_is_checked(self) -> None:
        assert (
            check_outputs({F.CRT_GLASS: 10_000}, door_grams=10_000, shares_bp={}, catalogue_grams=0)
            == ()
        )


class TestExpectedShares:
    def test_materials_map_to_fractions_and_sum_to_at_most_10000(self) -> None:
        shares = expected_shares(
            {
                "li_battery": 30,
                "circuit_boards_high": 20,
                "circuit_boards_medium": 10,
                "concrete": 40,
            }
        )
        assert shares == {F.BATTERY: 3_000, F.CIRCUIT_BOARDS: 3_000, F.OTHER: 4_000}

    def test_no_material_gives_no_share(self) -> None:
        assert expected_shares({}) == {}

    @pytest.mark.parametrize("category", sorted(catalogue().models))
    def test_every_catalogue_composition_yields_shares_that_pass_their_own_check(
        self, category: str
    ) -> None:
        model = catalogue().models[category]
        assert "" in model.compositions
        profile = model.profile({})
        shares = expected_shares(profile.material_grams)
        assert 9_990 <= sum(shares.values()) <= 10_000
        door = profile.mass_g
        outputs = as_expected(shares, door)
        assert check_outputs(outputs, door_grams=door, shares_bp=shares, catalogue_grams=door) == ()


shares_strategy = st.dictionaries(
    st.sampled_from(list(Fraction)), st.integers(min_value=1, max_value=5_000), min_size=1
)


@given(shares=shares_strategy, door=st.integers(min_value=1_000, max_value=200_000))
def test_outputs_exactly_as_expected_always_pass(shares: dict[Fraction, int], door: int) -> None:
    total = sum(shares.values())
    normalised = {f: bp * 10_000 // total for f, bp in shares.items()}
    outputs = {f: door * bp // 10_000 for f, bp in normalised.items()}
    lost = door - sum(outputs.values())
    first = next(iter(outputs))
    outputs[first] += lost
    assert check_outputs(outputs, door_grams=door, shares_bp=normalised, catalogue_grams=door) == ()


@given(
    outputs=st.dictionaries(
        st.sampled_from(list(Fraction)), st.integers(min_value=0, max_value=100_000), min_size=1
    ),
    door=st.integers(min_value=1, max_value=200_000),
    shares=shares_strategy,
)
def test_the_total_bounds_hold_whatever_the_fractions(
    outputs: dict[Fraction, int], door: int, shares: dict[Fraction, int]
) -> None:
    flags = check_outputs(outputs, door_grams=door, shares_bp=shares, catalogue_grams=0)
    total = sum(outputs.values())
    flagged = {f.reason for f in flags}
    assert (CheckReason.TOTAL_SHORT in flagged) is (total * 100 < door * 85)
    assert (CheckReason.TOTAL_OVER in flagged) is (total * 100 > door * 105)
    assert status_for(flags) is (CheckStatus.FLAGGED if flags else CheckStatus.PASSED)


@given(
    outputs=st.dictionaries(
        st.sampled_from(list(Fraction)), st.integers(min_value=0, max_value=100_000), min_size=1
    ),
    door=st.integers(min_value=1, max_value=200_000),
    extra=st.integers(min_value=1, max_value=100_000),
)
def test_capturing_more_refrigerant_never_adds_a_shortfall(
    outputs: dict[Fraction, int], door: int, extra: int
) -> None:
    shares = {F.REFRIGERANT: 100, F.FERROUS: 9_900}
    before = check_outputs(outputs, door_grams=door, shares_bp=shares, catalogue_grams=0)
    more = {**outputs, F.REFRIGERANT: outputs.get(F.REFRIGERANT, 0) + extra}
    after = check_outputs(more, door_grams=door, shares_bp=shares, catalogue_grams=0)
    short = {CheckReason.NOT_CAPTURED, CheckReason.FRACTION_SHORT}
    was = {f.fraction for f in before if f.reason in short}
    now = {f.fraction for f in after if f.reason in short}
    assert now <= was


class TestStateTable:
    @pytest.mark.parametrize("status", list(CheckStatus))
    @pytest.mark.parametrize("event", list(CheckEvent))
    def test_every_pair(self, status: CheckStatus, event: CheckEvent) -> None:
        if (status, event) in CHECK_TRANSITIONS:
            assert next_check_status(status, event) is CHECK_TRANSITIONS[(status, event)]
        else:
            with pytest.raises(IllegalCheckTransition) as caught:
                next_check_status(status, event)
            assert caught.value.code == "compliance.illegal_check_transition"

    def test_only_a_flagged_check_is_reviewed(self) -> None:
        assert {s for s, _ in CHECK_TRANSITIONS} == {CheckStatus.FLAGGED}


class TestClaimability:
    @pytest.mark.parametrize(
        ("status", "exclusion"),
        [
            (None, None),
            ("passed", None),
            ("cleared", None),
            ("flagged", Exclusion.OUTPUT_FLAGGED),
            ("upheld", Exclusion.OUTPUT_UPHELD),
        ],
    )
    def test_flagged_and_upheld_records_are_not_claimable(
        self, status: str | None, exclusion: Exclusion | None
    ) -> None:
        assert check_exclusion(status) is exclusion


class TestReviewNote:
    def test_a_note_is_trimmed(self) -> None:
        assert (
            check_review_note("  photos show the gas recovered ") == "photos show the gas recovered"
        )

    @pytest.mark.parametrize("note", ["", "   ", "x" * 201])
    def test_an_empty_or_long_note_is_refused(self, note: str) -> None:
        with pytest.raises(InvalidReviewNote):
            check_review_note(note)


def test_describe_names_the_fraction_and_grams() -> None:
    assert describe(Flag(CheckReason.NOT_CAPTURED, "refrigerant", 100, 0)) == (
        "refrigerant not_captured: 0 g of ~100 g"
    )
    assert describe(Flag(CheckReason.TOTAL_SHORT, "", 10_000, 8_000)) == (
        "unit total_short: 8000 g of ~10000 g"
    )
