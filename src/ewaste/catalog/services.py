"""Catalogue use cases: seed the categories from the packaged data file; map brands to
producers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.catalog import rules
from ewaste.catalog.datafiles import read_rows
from ewaste.catalog.models import Brand, Category
from ewaste.catalog.queries import BrandView
from ewaste.catalog.repository import BrandRepository, CategoryRepository
from ewaste.identity import Actor, Permission, Role


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


def map_brand(
    session: Session,
    *,
    actor: Actor,
    name: str,
    producer_id: int,
    now: datetime,
    name_zh: str = "",
) -> BrandView:
    """Map a brand to the producer organisation responsible for it (operators).

    Raises MissingPermission, InvalidBrand, NotAProducer (no such organisation, or not a
    producer), BrandTaken (the brand, matched by `brand_key`, is mapped already).
    """
    actor.require(Permission.STAFF_BRAND_WRITE)
    shown = rules.check_brand(name)
    producer = identity.organisation_row(session, producer_id)
    if producer is None or producer.role != Role.PRODUCER.value:
        raise rules.NotAProducer(organisation_id=producer_id)
    repo = BrandRepository(session)
    key = rules.brand_key(shown)
    if repo.by_key(key) is not None:
        raise rules.BrandTaken(brand=shown)
    repo.add(
        Brand(
            key=key,
            name=shown,
            name_zh=" ".join(name_zh.split())[:80],
            producer_id=producer_id,
            created_at=now,
        )
    )
    return BrandView(key, shown, " ".join(name_zh.split())[:80], producer_id)
