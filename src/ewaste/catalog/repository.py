"""Statements that load and store categories and brands."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.catalog.models import Brand, Category


class CategoryRepository:
    """Loads and stores product categories."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, code: str) -> Category | None:
        """The category with this code, if any."""
        return self._session.get(Category, code)

    def all(self) -> Sequence[Category]:
        """Every category, by code."""
        return self._session.scalars(select(Category).order_by(Category.code)).all()

    def add(self, category: Category) -> None:
        """Stage a new category."""
        self._session.add(category)


class BrandRepository:
    """Loads and stores the brand → producer map."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def by_key(self, key: str) -> Brand | None:
        """The brand with this key, if mapped."""
        return self._session.scalars(select(Brand).where(Brand.key == key)).one_or_none()

    def add(self, brand: Brand) -> None:
        """Store a new brand."""
        self._session.add(brand)
        self._session.flush()
