"""`ewaste serve`: serve the site and API for an existing database."""

from __future__ import annotations

import typer

from ewaste.config import Settings
from ewaste.web import server

APP_FACTORY = "ewaste.web.app:create_app"
"""Each worker builds the app itself, from the same environment (EWASTE_*)."""


def serve_app(settings: Settings, *, port: int, workers: int | None = None) -> None:
    """Run the web application on settings.host:port until interrupted."""
    count = workers or settings.workers
    typer.echo(
        f"serving on http://{settings.host}:{port}  (API: /api/openapi.json; "
        f"{count} worker{'s' if count > 1 else ''})"
    )
    server.serve(APP_FACTORY, host=settings.host, port=port, workers=count)


def serve(
    port: int | None = typer.Option(None, min=1, max=65535, help="TCP port (EWASTE_PORT)."),
    workers: int | None = typer.Option(
        None, min=1, max=64, help="Worker processes (EWASTE_WORKERS; one per core)."
    ),
) -> None:
    """Serve the pages and the JSON API for the configured database."""
    settings = Settings()
    serve_app(settings, port=port or settings.port, workers=workers)
