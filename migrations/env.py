"""Alembic environment: the URL comes from Settings (or the caller), never from alembic.ini."""

from __future__ import annotations

from alembic import context

import ewaste.catalog.models
import ewaste.compliance.models
import ewaste.credit.models
import ewaste.custody.models
import ewaste.dispatch.models
import ewaste.exchange.models
import ewaste.fieldsync.models
import ewaste.identity.models
import ewaste.ledger.models
import ewaste.orders.models
import ewaste.partners.models
import ewaste.payouts.models
import ewaste.pricing.models
import ewaste.settlement.models
import ewaste.worker.models  # noqa: F401 - every domain's tables must be in the metadata
from ewaste.config import Settings
from ewaste.db.base import Base
from ewaste.db.session import make_engine
from ewaste.db.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    return str(url) if url else Settings().database_url


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # UTCDateTime only converts values in Python; the column is a plain timestamptz.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
