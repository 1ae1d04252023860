"""Catalogue rules: what a category is and what its price list says."""

from __future__ import annotations

from dataclasses import dataclass

from ewaste.kernel.errors import Conflict, InvalidInput, NotFound
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


class InvalidBrand(InvalidInput):
    """A brand name that is empty or too long."""

    code = "catalog.invalid_brand"
    message = "Name the brand (1–80 characters)."


class BrandTaken(Conflict):
    """A brand is mapped to one producer only."""

    code = "catalog.brand_taken"
    message = "Brand {brand!r} is already mapped to a producer."


class NotAProducer(InvalidInput):
    """A brand mapped to an organisation that is not a producer."""

    code = "catalog.not_a_producer"
    message = "Organisation {organisation_id} is not a producer."


def brand_key(name: str) -> str:
    """The form a brand is matched by: spaces collapsed, case folded ("" for no brand).

    The same key is stored on a dismantling record and looked up in the brand map, so
    "Pearl River  appliances" and "pearl river Appliances" are one brand.
    """
    return " ".join(name.split()).casefold()


def check_brand(name: str) -> str:
    """The brand's display name (spaces collapsed), or raise InvalidBrand."""
    shown = " ".join(name.split())
    if not 1 <= len(shown) <= 80:
        raise InvalidBrand
    return shown
