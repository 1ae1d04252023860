"""The database's refusal to rewrite history, for migrations.

Append-only tables (journal lines, custody events, status histories, signed keys) get a
trigger that refuses UPDATE and DELETE: on PostgreSQL one row trigger calling
`refuse_change()` (created by migration 0002), on SQLite one trigger per action that
aborts with the table's name. Migrations since 0014 call these two functions instead of
spelling the triggers out again; the DDL is the same as migration 0002's.
"""

from __future__ import annotations

from alembic import op


def add_append_only_guards(*tables: str) -> None:
    """Refuse UPDATE and DELETE on each table."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )
            continue
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
            )


def drop_append_only_guards(*tables: str) -> None:
    """Lift the guards (a downgrade, or a migration that must alter the table)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in tables:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            continue
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
