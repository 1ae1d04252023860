"""`ewaste db …`: migrations."""

from __future__ import annotations

from pathlib import Path

import typer
from alembic import command
from alembic.config import Config

from ewaste.config import Settings
from ewaste.db.schema import project_root

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for our migrations, pointed at `database_url`."""
    root = project_root()
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str) -> None:
    """Create the SQLite folder if needed and migrate the database to the newest revision."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")


@app.command("upgrade")
def upgrade() -> None:
    """Migrate the configured database (EWASTE_DATABASE_URL) to the newest schema."""
    settings = Settings()
    upgrade_to_head(settings.database_url)
    typer.echo(f"database at head: {_safe(settings.database_url)}")


def _safe(url: str) -> str:
    # Never print a password that may sit in the URL.
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
