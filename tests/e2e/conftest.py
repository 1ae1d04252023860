"""Browser tests: Debian's Chromium driving a live server on loopback.

The server runs the real application (uvicorn in a thread) on a temporary SQLite
file migrated to head and seeded with `build_world`, committed through a real
session: the browser and the server see the same committed data, unlike the
rolled-back connection of the API tests.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from ewaste.cli.db import upgrade_to_head
from ewaste.config import Settings
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock
from ewaste.web.app import create_app
from tests.factories import World, build_world

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Launch Debian's Chromium headless; `playwright install` cannot download browsers here."""
    return {
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        "headless": True,
    }


@dataclass(frozen=True)
class LiveServer:
    """A running site: its URL, its sessions and the parties seeded in it."""

    url: str
    sessions: sessionmaker[Session]
    world: World


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """Serve the application on a free loopback port until the test session ends."""
    with tempfile.TemporaryDirectory(prefix="ewaste-e2e-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'e2e.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        clock = SystemClock()
        with transaction(sessions) as session:
            world = build_world(session, now=clock.now())
        settings = Settings(env="test", database_url=url, secret_key="e2e-secret-key-0123456789")
        app = create_app(settings, clock=clock)
        # Bind first so the port is ours before the server starts (no race for it).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", ws="none", http="h11", loop="asyncio"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        try:
            yield LiveServer(f"http://127.0.0.1:{port}", sessions, world)
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            sock.close()
            app.state.engine.dispose()
            engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Pages are opened relative to the live server (`page.goto("/login")`)."""
    return live_server.url
