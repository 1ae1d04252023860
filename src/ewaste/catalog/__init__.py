"""Product catalogue: categories of China's WEEE catalogue with mass and price list."""

from ewaste.catalog.datafiles import Handling, handling_of
from ewaste.catalog.queries import BrandView, brands, categories, category
from ewaste.catalog.rules import (
    BrandTaken,
    CategoryFacts,
    CategoryNotFound,
    InvalidBrand,
    NotAProducer,
    brand_key,
    check_brand,
)
from ewaste.catalog.services import load_catalogue, map_brand

__all__ = [
    "BrandTaken",
    "BrandView",
    "CategoryFacts",
    "CategoryNotFound",
    "Handling",
    "InvalidBrand",
    "NotAProducer",
    "brand_key",
    "brands",
    "categories",
    "category",
    "check_brand",
    "handling_of",
    "load_catalogue",
    "map_brand",
]
