"""Product catalogue: categories of China's WEEE catalogue with mass and price list."""

from ewaste.catalog.queries import categories, category
from ewaste.catalog.rules import CategoryFacts, CategoryNotFound
from ewaste.catalog.services import load_catalogue

__all__ = ["CategoryFacts", "CategoryNotFound", "categories", "category", "load_catalogue"]
