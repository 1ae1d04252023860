"""Serving the site: uvicorn in one process, or in N worker processes that share the load.

With `workers > 1` uvicorn's own supervisor binds one socket and lets every worker
accept from it. Two things go wrong with that on Linux, both measured by
`bench/pricing.py`:

- a burst of new connections is accepted by whichever worker wakes first, which takes
  the whole burst, so keep-alive clients end up on one worker while the other idles;
- the shared socket is created with protocol 0, so asyncio leaves Nagle's algorithm on
  and every keep-alive response after the first waits ~40 ms for a delayed ACK
  (uvicorn issue #3149).

Here each worker binds its own socket with SO_REUSEPORT (IPPROTO_TCP, so TCP_NODELAY
is set): the kernel spreads connections evenly over the workers' sockets. The parent
only supervises: it restarts a worker that dies and stops them all on SIGINT/SIGTERM.
See docs/adr/0010-serving-workers.md.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from types import FrameType
from typing import Any

import uvicorn

RESTART_PAUSE_S = 1.0
"""How long the supervisor waits before restarting a worker that died."""
STARTUP_GRACE_S = 10.0
"""A worker that dies sooner than this after starting is broken, not unlucky: give up."""


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A bound TCP socket (IPPROTO_TCP, so asyncio sets TCP_NODELAY on accepted ones)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


def serve(
    factory: str,
    *,
    host: str,
    port: int,
    workers: int = 1,
    log_level: str = "info",
    access_log: bool = True,
    app_dir: str | None = None,
) -> None:
    """Serve the ASGI app built by `factory` ("module:function") until interrupted."""
    options: dict[str, Any] = {
        "factory": True,
        "log_level": log_level,
        "access_log": access_log,
        "app_dir": app_dir,
    }
    if workers <= 1:
        sock = listening_socket(host, port, reuse_port=False)
        _run_worker(factory, sock, options)
        return
    if not hasattr(socket, "SO_REUSEPORT"):  # pragma: no cover - not Linux
        uvicorn.run(factory, host=host, port=port, workers=workers, **options)
        return
    # Bound once here so that a port in use fails loudly before any worker starts.
    listening_socket(host, port, reuse_port=True).close()
    _supervise(lambda: _spawn(factory, host, port, options), workers)


def _spawn(factory: str, host: str, port: int, options: dict[str, Any]) -> SpawnProcess:
    process = multiprocessing.get_context("spawn").Process(
        target=_worker_main, args=(factory, host, port, options), daemon=False
    )
    process.start()
    return process


def _worker_main(factory: str, host: str, port: int, options: dict[str, Any]) -> None:
    # uvicorn installs its own SIGINT/SIGTERM handlers: Ctrl-C (sent to the whole
    # process group) and the supervisor's SIGTERM both shut a worker down gracefully.
    _run_worker(factory, listening_socket(host, port, reuse_port=True), options)


def _run_worker(factory: str, sock: socket.socket, options: dict[str, Any]) -> None:
    options = dict(options)
    app_dir = options.pop("app_dir", None)
    if app_dir:
        sys.path.insert(0, app_dir)
    config = uvicorn.Config(factory, **options)
    uvicorn.Server(config).run(sockets=[sock])


def _supervise(spawn: Callable[[], SpawnProcess], workers: int) -> None:
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    processes = [(spawn(), time.monotonic()) for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.2)
            for index, (process, started) in enumerate(processes):
                if process.is_alive() or stopping:
                    continue
                if time.monotonic() - started < STARTUP_GRACE_S:
                    raise SystemExit(
                        f"a web worker exited with code {process.exitcode} while starting; "
                        "see its error above"
                    )
                time.sleep(RESTART_PAUSE_S)
                if not stopping:
                    processes[index] = (spawn(), time.monotonic())
    finally:
        for process, _ in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process, _ in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
