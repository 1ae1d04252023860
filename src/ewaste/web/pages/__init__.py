"""Server-rendered pages (Jinja2 + htmx), in Chinese and English."""

from __future__ import annotations

from fastapi import FastAPI

from ewaste.config import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the pages, their static files and the session middleware on `app`."""
