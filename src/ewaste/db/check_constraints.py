"""Widening or narrowing a CHECK constraint in a migration, on both databases.

A new unit status or custody event kind joins a CHECK constraint's list of values.
PostgreSQL drops and re-creates the constraint. SQLite cannot alter a CHECK constraint, and
rebuilding `unit` or `custody_event` would break the foreign keys that point at them and
copy an append-only, hash-chained log, so on SQLite the constraint's text is changed in
place (SQLite's documented procedure for schema changes that leave stored rows valid:
`writable_schema`, then a new `schema_version`). Used since migration 0014 (docs/adr/0015).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op


def values_in(column: str, values: Sequence[str]) -> str:
    """The SQL `column IN ('a', 'b', …)`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def set_check(table: str, name: str, expression: str) -> None:
    """Make the CHECK constraint `name` of `table` read `expression`. The rows stored must
    already satisfy it (SQLite does not check them again)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, expression)
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    pattern = re.compile(rf"CONSTRAINT {name} CHECK \(.*?\)\)")
    if not pattern.search(sql):
        raise RuntimeError(f"{name} not found in the definition of {table}")
    new_sql = pattern.sub(lambda _: f"CONSTRAINT {name} CHECK ({expression})", sql, count=1)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (new_sql, table)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
