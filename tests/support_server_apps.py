"""Tiny ASGI app factories for the serving tests (tests/integration/test_web_server.py).

uvicorn loads them in spawned worker processes by name ("support_server_apps:pid_app",
with this directory as the app_dir), so they import nothing but the standard library.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


def pid_app() -> ASGIApp:
    """An app that answers every HTTP request with the id of the process serving it.

    The status line and the body go out in two writes, as uvicorn does for any
    response: with Nagle's algorithm left on, the second write of every keep-alive
    response after the first would wait for the client's delayed ACK (~40 ms).
    """
    body = str(os.getpid()).encode()

    async def app(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body", False):
            pass
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/plain"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def broken_app() -> ASGIApp:
    """A factory that fails, as an app does whose settings or database are wrong."""
    raise RuntimeError("support_server_apps.broken_app refuses to start (test)")
