"""Read access to the catalogue for other domains and pages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.catalog.models import Category
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
