"""Which schema revision the code expects and which one a database holds.

The code's revision is the head of `migrations/` (Alembic), read once per process; the
database's is the row Alembic keeps in `alembic_version`. A web whose database is behind
its code fails on the first new column, so the health check compares the two; a database
ahead of the code (migrated first, the code deployed next) is expected during a deploy of
additive migrations and is not a failure.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text


def project_root() -> Path:
    """The source checkout holding alembic.ini and migrations/ (installed with -e)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "alembic.ini").exists() and (parent / "migrations").is_dir():
            return parent
    raise RuntimeError("alembic.ini not found: run from a source checkout (pip install -e .)")


@cache
def _scripts() -> ScriptDirectory:
    config = Config(str(project_root() / "alembic.ini"))
    config.set_main_option("script_location", str(project_root() / "migrations"))
    config.set_main_option("prepend_sys_path", "")  # never touch a running web's sys.path
    return ScriptDirectory.from_config(config)


@cache
def code_revision() -> str:
    """The newest migration's revision id (the head of migrations/)."""
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError("migrations/ has no head revision")
    return head


@cache
def code_knows(revision: str) -> bool:
    """Whether `revision` is one of this code's migrations (at or before its head). A
    database at a revision the code does not know was migrated by newer code."""
    return any(script.revision == revision for script in _scripts().walk_revisions())


def database_revision(connection: Connection) -> str | None:
    """The revision the database was migrated to, or None before its first migration."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if revision is None else str(revision)
