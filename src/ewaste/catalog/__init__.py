"""Product catalogue: categories of China's WEEE catalogue with mass and price list."""

from ewaste.catalog.datafiles import Handling, handling_of
from ewaste.catalog.queries import categories, category
from ewaste.catalog.rules import CategoryFacts, CategoryNotFound
from ewaste.catalog.services import load_catalogue

__all__ = [
    "CategoryFacts",
    "CategoryNotFound",
    "Handling",
    "categories",
    "category",
    "handling_of",
    "load_catalogue",
]
