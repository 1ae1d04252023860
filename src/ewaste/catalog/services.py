"""Catalogue use cases: seed the categories from the packaged data file."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.catalog.datafiles import read_rows
from ewaste.catalog.models import Category
from ewaste.catalog.repository import CategoryRepository


def load_catalogue(session: Session) -> int:
    """Insert or refresh every category from `catalog/data/categories.csv`; return the count.

    Idempotent: running it twice leaves one row per category with the file's values.
    """
    repo = CategoryRepository(session)
    count = 0
    for record in read_rows("categories.csv") + read_rows("new_categories.csv"):
        values = {
            "name_en": record["name_en"],
            "name_zh": record["name_zh"],
            "cn_catalogue_code": record["cn_catalogue_code"],
            "unu_key": record["unu_key"],
            "typical_mass_g": int(record["typical_mass_g"]),
            "hazardous": record["hazardous"] == "true",
            "household_price_fen": int(record["household_price_fen"]),
            "station_price_fen": int(record["station_price_fen"]),
            "plant_price_fen": int(record["plant_price_fen"]),
            "mass_source": record["mass_source"],
            "price_basis": record["price_basis"],
        }
        existing = repo.get(record["code"])
        if existing is None:
            repo.add(Category(code=record["code"], **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
        count += 1
    session.flush()
    return count
