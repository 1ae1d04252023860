"""The public product catalogue with its current price list."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ewaste import catalog
from ewaste.web.api.schemas import MoneyOut
from ewaste.web.context import public_session

router = APIRouter(tags=["catalog"])


class CategoryOut(BaseModel):
    """A product category and its per-unit prices."""

    code: str
    name_en: str
    name_zh: str
    unu_key: str
    typical_mass_grams: int
    hazardous: bool
    household_price: MoneyOut
    price_basis: str
    mass_source: str


@router.get("/categories", response_model=list[CategoryOut])
def list_categories(session: Session = Depends(public_session)) -> list[CategoryOut]:
    """Every category we collect, with what a household is paid per unit (public)."""
    return [
        CategoryOut(
            code=c.code,
            name_en=c.name_en,
            name_zh=c.name_zh,
            unu_key=c.unu_key,
            typical_mass_grams=c.typical_mass.grams,
            hazardous=c.hazardous,
            household_price=MoneyOut.of(c.household_price),
            price_basis=c.price_basis,
            mass_source=c.mass_source,
        )
        for c in catalog.categories(session)
    ]
