"""Catalogue rules: what a category is and what its price list says."""

from __future__ import annotations

from dataclasses import dataclass

from ewaste.kernel.errors import NotFound
from ewaste.kernel.money import Money
from ewaste.kernel.quantities import Mass


class CategoryNotFound(NotFound):
    """No product category with this code."""

    code = "catalog.category_not_found"
    message = "Unknown product category {category!r}."


@dataclass(frozen=True, slots=True)
class CategoryFacts:
    """A product category with its foundation price list (per unit).

    `household_price` is what the household is paid at the door, `station_price` what
    a station pays the collector, `plant_price` the suggested lot price per unit.
    """

    code: str
    name_en: str
    name_zh: str
    unu_key: str
    typical_mass: Mass
    hazardous: bool
    household_price: Money
    station_price: Money
    plant_price: Money
    mass_source: str
    price_basis: str

    def name(self, locale: str) -> str:
        """The category's name in `locale` (zh_CN or en)."""
        return self.name_zh if locale.startswith("zh") else self.name_en
