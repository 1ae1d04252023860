"""Statements that load and store categories."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.catalog.models import Category


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
