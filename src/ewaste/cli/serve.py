"""`ewaste serve`: serve the site and API for an existing database."""

from __future__ import annotations

import typer
import uvicorn

from ewaste.config import Settings
from ewaste.web.app import create_app


def serve_app(settings: Settings, *, port: int) -> None:
    """Run the web application with uvicorn on settings.host:port until interrupted."""
    typer.echo(f"serving on http://{settings.host}:{port}  (API: /api/openapi.json)")
    uvicorn.run(create_app(settings), host=settings.host, port=port, log_level="info")


def serve(
    port: int | None = typer.Option(None, min=1, max=65535, help="TCP port (EWASTE_PORT)."),
) -> None:
    """Serve the pages and the JSON API for the configured database."""
    settings = Settings()
    serve_app(settings, port=port or settings.port)
