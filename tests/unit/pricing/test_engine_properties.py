"""Properties of the pricing engine, on a synthetic catalogue and price book."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.catalog.specs import (
    AttributeSpec,
    CategoryModel,
    Composition,
    InvalidAttributes,
    InvalidCondition,
    MassModel,
)
from ewaste.kernel.money import round_minor
from ewaste.pricing.engine import LineKind, PriceBook, PriceRef, SubsidyBand, price_quote

TV = CategoryModel(
    code="tv_flat",
    attributes=(
        AttributeSpec("technology", "choice", ("lcd", "led", "plasma"), default="lcd"),
        AttributeSpec("screen_inch", "number", minimum=14, maximum=100, default=42, unit="inch"),
    ),
    compositions={
        "": Composition(
            {
                "ferrous": 4000,
                "plastics": 3000,
                "glass": 1500,
                "circuit_boards": 1000,
                "copper": 500,
            },
            False,
            "test composition",
        ),
        "technology=plasma": Composition(
            {"ferrous": 3000, "glass": 5000, "plastics": 2000}, True, "test plasma composition"
        ),
    },
    mass_models={"": MassModel("screen_inch", 42, 12_000, 350, 3_000, True, "test mass model")},
    conditions=frozenset({"not_working", "broken_screen", "missing_parts", "water_damage"}),
)


def ref(input_id: int, yuan: str, source: str = "test source") -> PriceRef:
    return PriceRef(input_id, int(Decimal(yuan) * 1_000_000), source)


def book(**prices: str) -> PriceBook:
    commodities = {"steel": "2.1", "plastic": "1.3", "pcb": "18.5", "copper": "55.0", "glass": "0"}
    commodities.update(prices)
    return PriceBook(
        region="shenzhen",
        commodities={k: ref(i, v) for i, (k, v) in enumerate(sorted(commodities.items()), 1)},
        material_commodity={
            "ferrous": "steel",
            "plastics": "plastic",
            "circuit_boards": "pcb",
            "copper": "copper",
            "glass": "glass",
        },
        treatment_per_kg={"glass": ref(20, "0.35")},
        treatment_per_unit={"handling": ref(21, "3.00")},
        reuse={("tv_flat", ""): ref(22, "60"), ("tv_flat", "technology=led"): ref(23, "90")},
        bonuses={("Pearl River Appliances", "tv_flat"): ref(24, "10")},
        subsidy_share=PriceRef(25, 3000, "test share"),
        subsidy_bands=(
            SubsidyBand(
                "tv_flat", "screen_inch>=25", Decimal(45), date(2021, 4, 1), None, "test band"
            ),
        ),
        transport_per_km=ref(26, "0.80"),
        transport_per_kg=ref(27, "0.05"),
    )


ON = date(2026, 11, 24)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("200"), places=4)
sizes = st.integers(14, 100)
items = st.fixed_dictionaries(
    {
        "technology": st.sampled_from(["lcd", "led", "plasma"]),
        "screen_inch": sizes,
    }
)


@given(items, st.integers(1, 50), st.booleans(), st.integers(0, 40_000))
def test_the_net_is_exactly_the_sum_of_the_lines(
    attrs: dict, qty: int, works: bool, distance: int
) -> None:
    profile = TV.profile(attrs, works=works)
    priced = price_quote([(profile, qty, "")], book=book(), distance_m=distance, on=ON)
    assert priced.net_fen_exact == sum(line.amount_fen for line in priced.lines)


@given(items, st.integers(1, 50), st.integers(0, 40_000))
def test_rounding_happens_once_at_the_end(attrs: dict, qty: int, distance: int) -> None:
    priced = price_quote([(TV.profile(attrs), qty, "")], book=book(), distance_m=distance, on=ON)
    exact = sum(line.amount_fen for line in priced.lines)
    assert priced.payable.minor == max(round_minor(exact, rounding=ROUND_HALF_EVEN), 0)
    assert priced.free_collection == (round_minor(exact) <= 0)


def test_lines_keep_fractions_of_a_fen() -> None:
    priced = price_quote(
        [(TV.profile({"screen_inch": 43}), 1, "")], book=book(), distance_m=1234, on=ON
    )
    assert any(line.amount_fen != line.amount_fen.to_integral_value() for line in priced.lines)


@given(
    items,
    st.integers(1, 20),
    st.sampled_from(["steel", "plastic", "pcb", "copper"]),
    prices,
    prices,
)
def test_a_higher_commodity_price_never_lowers_a_quote(
    attrs: dict, qty: int, commodity: str, low: Decimal, high: Decimal
) -> None:
    low, high = min(low, high), max(low, high)
    profile = TV.profile(attrs)
    cheap = price_quote(
        [(profile, qty, "")], book=book(**{commodity: str(low)}), distance_m=5000, on=ON
    )
    dear = price_quote(
        [(profile, qty, "")], book=book(**{commodity: str(high)}), distance_m=5000, on=ON
    )
    assert dear.net_fen_exact >= cheap.net_fen_exact
    assert dear.payable >= cheap.payable


@given(items, st.integers(1, 50), st.booleans(), st.integers(0, 40_000))
def test_every_line_names_its_source_and_version(
    attrs: dict, qty: int, works: bool, distance: int
) -> None:
    priced = price_quote(
        [(TV.profile(attrs, works=works), qty, "Pearl River Appliances")],
        book=book(),
        distance_m=distance,
        on=ON,
    )
    assert priced.lines
    for line in priced.lines:
        assert line.source.strip()
        assert line.input_id is not None
    assert priced.input_ids == {line.input_id for line in priced.lines}


def test_a_working_item_earns_its_reuse_value_and_a_broken_screen_loses_it() -> None:
    working = TV.profile({"technology": "led"}, works=True)
    broken = TV.profile({"technology": "led"}, conditions=["broken_screen"])
    lines = {
        ln.kind for ln in price_quote([(working, 1, "")], book=book(), distance_m=0, on=ON).lines
    }
    assert LineKind.REUSE in lines
    lines = {
        ln.kind for ln in price_quote([(broken, 1, "")], book=book(), distance_m=0, on=ON).lines
    }
    assert LineKind.REUSE not in lines


def test_the_variant_reuse_value_beats_the_category_default() -> None:
    led = price_quote(
        [(TV.profile({"technology": "led"}), 1, "")], book=book(), distance_m=0, on=ON
    )
    reuse = next(ln for ln in led.lines if ln.kind is LineKind.REUSE)
    assert reuse.unit_price_yuan == Decimal(90)


def test_subsidy_share_follows_the_band_and_the_schedule_date() -> None:
    big = TV.profile({"screen_inch": 55})
    small = TV.profile({"screen_inch": 20})
    priced = price_quote([(big, 2, "")], book=book(), distance_m=0, on=ON)
    subsidy = next(ln for ln in priced.lines if ln.kind is LineKind.SUBSIDY)
    assert subsidy.amount_fen == Decimal(45) * Decimal("0.3") * 100 * 2
    assert not any(
        ln.kind is LineKind.SUBSIDY
        for ln in price_quote([(small, 1, "")], book=book(), distance_m=0, on=ON).lines
    )
    before = price_quote([(big, 1, "")], book=book(), distance_m=0, on=date(2021, 3, 31))
    assert not any(ln.kind is LineKind.SUBSIDY for ln in before.lines)


def test_a_worthless_item_far_away_is_collected_free_and_says_so() -> None:
    nothing = replace(book(), commodities={})
    junk = TV.profile({"screen_inch": 20}, works=False)
    priced = price_quote([(junk, 1, "")], book=nothing, distance_m=30_000, on=ON)
    assert priced.net_fen_exact < 0
    assert priced.payable.minor == 0
    assert priced.free_collection


def test_mass_follows_screen_size_and_missing_parts_take_material_away() -> None:
    assert TV.profile({"screen_inch": 42}).mass_g == 12_000
    assert TV.profile({"screen_inch": 52}).mass_g == 15_500
    assert TV.profile({"screen_inch": 14}).mass_g == 3_000  # clamped at the minimum
    whole = TV.profile({})
    partial = TV.profile({}, conditions=["missing_parts"])
    assert sum(partial.material_grams.values()) < sum(whole.material_grams.values())
    assert not partial.reuse_eligible


@pytest.mark.parametrize(
    ("attrs", "problem"),
    [
        ({"technology": "crt"}, "technology must be one of"),
        ({"screen_inch": 500}, "screen_inch must be 14–100"),
        ({"screen_inch": "big"}, "screen_inch must be a whole number"),
        ({"screen_inch": True}, "screen_inch must be a whole number"),
        ({"colour": "red"}, "unknown attribute colour"),
    ],
)
def test_invalid_attributes_are_refused_with_a_clear_message(attrs: dict, problem: str) -> None:
    with pytest.raises(InvalidAttributes) as refused:
        TV.profile(attrs)
    assert problem in refused.value.detail
    assert refused.value.code == "catalog.invalid_attributes"


def test_a_condition_that_does_not_apply_is_refused() -> None:
    with pytest.raises(InvalidCondition):
        TV.profile({}, conditions=["missing_compressor"])
