"""Read access to the catalogue for other domains and pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.catalog.models import Brand, Category
from ewaste.catalog.rules import CategoryFacts, CategoryNotFound


def category(session: Session, code: str) -> CategoryFacts:
    """The facts of one category; raise CategoryNotFound for an unknown code."""
    row = session.get(Category, code)
    if row is None:
        raise CategoryNotFound(category=code)
    return row.facts()


def categories(session: Session) -> Sequence[CategoryFacts]:
    """Every category, by code."""
    return [row.facts() for row in session.scalars(select(Category).order_by(Category.code))]


@dataclass(frozen=True, slots=True)
class BrandView:
    """A brand and the producer organisation it belongs to."""

    key: str
    name: str
    name_zh: str
    producer_id: int


def brands(session: Session, *, producer_id: int | None = None) -> Sequence[BrandView]:
    """The brand map by name: every brand, or one producer's."""
    stmt = select(Brand).order_by(Brand.key)
    if producer_id is not None:
        stmt = stmt.where(Brand.producer_id == producer_id)
    return [BrandView(b.key, b.name, b.name_zh, b.producer_id) for b in session.scalars(stmt)]
