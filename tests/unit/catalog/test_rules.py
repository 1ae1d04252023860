"""Catalogue rules: category facts and their names."""

from __future__ import annotations

import pytest

from ewaste.catalog.rules import CategoryFacts, CategoryNotFound
from ewaste.kernel.money import Money
from ewaste.kernel.quantities import Mass

TV = CategoryFacts(
    code="tv_flat",
    name_en="Flat-panel television",
    name_zh="平板电视机",
    unu_key="0408",
    typical_mass=Mass(10_200),
    hazardous=False,
    household_price=Money(3000),
    station_price=Money(3800),
    plant_price=Money(4800),
    mass_source="UNU-KEY 0408",
    price_basis="estimate",
)


@pytest.mark.parametrize(
    ("locale", "name"),
    [("zh_CN", "平板电视机"), ("zh", "平板电视机"), ("en", "Flat-panel television"), ("fr", None)],
)
def test_a_category_is_named_in_chinese_for_zh_locales_and_in_english_otherwise(
    locale: str, name: str | None
) -> None:
    assert TV.name(locale) == (name or TV.name_en)


def test_an_unknown_category_names_the_code() -> None:
    error = CategoryNotFound(category="gold_bars")
    assert error.code == "catalog.category_not_found"
    assert error.detail == "Unknown product category 'gold_bars'."
