"""Imports every model module so that `Base.metadata` knows every table (Alembic, tests)."""

from __future__ import annotations

from sqlalchemy import MetaData

from ewaste.db.base import Base


def load_all_models() -> MetaData:
    """Import every domain's models and return the complete metadata."""
    import ewaste.catalog.models
    import ewaste.compliance.models
    import ewaste.custody.models
    import ewaste.dispatch.models
    import ewaste.exchange.models
    import ewaste.identity.models
    import ewaste.ledger.models
    import ewaste.orders.models
    import ewaste.pricing.models  # noqa: F401

    return Base.metadata
