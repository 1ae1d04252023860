"""Serving with worker processes (ewaste.web.server): one SO_REUSEPORT socket per worker.

The multi-worker tests run `serve()` in a subprocess (its own process group, killed in
a `finally`) on a free loopback port, with the tiny apps of tests/support_server_apps.py.
Every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import pytest

from ewaste.web import server
from ewaste.web.server import listening_socket

pytestmark = pytest.mark.skipif(
    not hasattr(socket, "SO_REUSEPORT") or not Path("/proc/net/tcp").exists(),
    reason="SO_REUSEPORT workers are a Linux feature",
)

HOST = "127.0.0.1"
TESTS_DIR = Path(__file__).resolve().parents[1]
"""The app_dir of the workers: they import `support_server_apps` from here."""
READY_S = 30.0
"""How long a cold interpreter plus two spawned workers may take to start listening."""


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(condition: Callable[[], bool], *, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        time.sleep(0.05)


def listeners_on(port: int) -> int:
    """How many sockets are in LISTEN state on this IPv4 port (one per ready worker)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(
        1
        for line in lines
        if (fields := line.split())
        and int(fields[1].rsplit(":", 1)[1], 16) == port
        and fields[3] == "0A"  # TCP_LISTEN
    )


def has_exited(pid: int) -> bool:
    """True when the process is gone (or only a zombie nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def serving_pid(connection: http.client.HTTPConnection) -> int:
    """GET / on an open keep-alive connection; the app answers with its process id."""
    connection.request("GET", "/")
    answer = connection.getresponse()
    body = answer.read()
    assert answer.status == 200, body
    assert answer.getheader("connection", "").lower() != "close"  # kept alive
    return int(body)


@contextmanager
def serving(
    factory: str,
    port: int,
    *,
    workers: int = 2,
    tweak: str = "",
) -> Iterator[subprocess.Popen[str]]:
    """`serve(factory, workers=...)` in a child process group, always killed afterwards.

    `tweak` is Python run before serving (e.g. shorter supervisor timings).
    """
    script = (
        "import ewaste.web.server as server\n"
        f"{tweak}\n"
        f"server.serve({factory!r}, host={HOST!r}, port={port}, workers={workers}, "
        f"log_level='warning', access_log=False, app_dir={str(TESTS_DIR)!r})\n"
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed script
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.returncode is None:
            process.communicate(timeout=10)


def wait_for_workers(process: subprocess.Popen[str], port: int, workers: int) -> None:
    def ready() -> bool:
        if process.poll() is not None:
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"serve() exited early ({process.returncode}): {err}")
        return listeners_on(port) == workers

    wait_until(ready, within=READY_S, what=f"{workers} workers listening on port {port}")


def pids_over_fresh_connections(port: int, count: int) -> list[int]:
    """Open `count` new keep-alive connections at once, one request each; who answered."""
    connections = [http.client.HTTPConnection(HOST, port, timeout=5) for _ in range(count)]
    try:
        return [serving_pid(c) for c in connections]
    finally:
        for c in connections:
            c.close()


# --- the socket itself -------------------------------------------------------------------


def test_a_listening_socket_is_tcp_and_shares_its_port_only_when_asked() -> None:
    """proto IPPROTO_TCP (so asyncio sets TCP_NODELAY), SO_REUSEPORT only with reuse_port."""
    with closing(listening_socket(HOST, 0, reuse_port=True)) as shared:
        assert shared.proto == socket.IPPROTO_TCP
        assert shared.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
        assert shared.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) == 1
        port = shared.getsockname()[1]
        # A second worker's socket binds the same port alongside the first.
        with closing(listening_socket(HOST, port, reuse_port=True)) as second:
            assert second.getsockname()[1] == port
    with closing(listening_socket(HOST, 0, reuse_port=False)) as single:
        assert single.proto == socket.IPPROTO_TCP
        assert single.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 0


def test_a_port_held_without_reuse_port_refuses_the_bind_and_the_new_socket_is_closed() -> None:
    """When bind() fails, listening_socket() closes the socket it made (no descriptor is
    left for garbage collection, no ResourceWarning)."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(OSError) as refused:
                listening_socket(HOST, port, reuse_port=True)
            assert refused.value.errno == errno.EADDRINUSE
            del refused
            gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == []


def test_connections_accepted_from_the_socket_have_nagle_off() -> None:
    """asyncio sets TCP_NODELAY on accepted sockets only for proto IPPROTO_TCP (not 0)."""

    async def accepted_no_delay(sock: socket.socket) -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                raw = transport.get_extra_info("socket")
                seen.set_result(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        loop = asyncio.get_running_loop()
        listener = await loop.create_server(Probe, sock=sock)
        async with listener:
            port = sock.getsockname()[1]
            _, writer = await asyncio.open_connection(HOST, port)
            try:
                return await asyncio.wait_for(seen, timeout=5)
            finally:
                writer.close()
                await writer.wait_closed()

    def run(sock: socket.socket) -> int:
        # In a thread of its own: another plugin (Playwright) may run a loop in this one.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, accepted_no_delay(sock)).result(timeout=10)

    assert run(listening_socket(HOST, 0, reuse_port=True)) != 0
    zero = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)  # what uvicorn binds itself
    zero.bind((HOST, 0))
    assert run(zero) == 0  # the contrast this module exists for


# --- serve() with worker processes ---------------------------------------------------------


def test_two_workers_share_connections_answer_keep_alive_promptly_and_stop_on_sigterm() -> None:
    port = free_port()
    with serving("support_server_apps:pid_app", port) as process:
        wait_for_workers(process, port, 2)

        # Thirty new connections, all open at once: the kernel spreads them over both
        # workers' sockets (one worker taking a whole burst was the uvicorn behaviour).
        pids = pids_over_fresh_connections(port, 30)
        workers = set(pids)
        assert len(workers) == 2, f"all 30 connections went to {workers}"
        assert process.pid not in workers  # the parent only supervises
        assert min(pids.count(pid) for pid in workers) >= 3  # spread, not a straggler

        # Twenty requests on one keep-alive connection: with Nagle on, every response
        # after the first would wait ~40 ms for a delayed ACK (≥ 0.76 s in all).
        with closing(http.client.HTTPConnection(HOST, port, timeout=5)) as connection:
            first = serving_pid(connection)
            started = time.perf_counter()
            for _ in range(20):
                assert serving_pid(connection) == first  # the same connection throughout
            elapsed = time.perf_counter() - started
        assert elapsed < 0.5, f"20 keep-alive requests took {elapsed:.3f} s"

        os.kill(process.pid, signal.SIGTERM)
        _, err = process.communicate(timeout=10)
        assert process.returncode == 0, err
        wait_until(
            lambda: all(has_exited(pid) for pid in workers),
            within=10,
            what="both workers exit after the supervisor's SIGTERM",
        )
        assert listeners_on(port) == 0


def test_a_worker_that_dies_after_starting_is_replaced() -> None:
    port = free_port()
    quick = "server.STARTUP_GRACE_S = 0.5\nserver.RESTART_PAUSE_S = 0.1"
    with serving("support_server_apps:pid_app", port, tweak=quick) as process:
        wait_for_workers(process, port, 2)
        workers = set(pids_over_fresh_connections(port, 30))
        assert len(workers) == 2
        time.sleep(0.6)  # past the (shortened) startup grace
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)

        def replaced() -> bool:
            if listeners_on(port) != 2:
                return False
            try:
                answered = set(pids_over_fresh_connections(port, 30))
            except OSError:
                # A connection queued on a socket that is just coming up (or on the dead
                # worker's, as it closes) is reset: the price of one socket per worker.
                return False
            return victim not in answered and len(answered) == 2

        wait_until(replaced, within=READY_S, what="a new worker takes the dead one's place")
        assert process.poll() is None  # the supervisor kept serving


@pytest.mark.parametrize(
    "factory",
    ["support_server_apps:broken_app", "support_server_apps:no_such_factory"],
    ids=["factory-raises", "factory-missing"],
)
def test_a_worker_that_cannot_start_stops_serve_with_a_message(factory: str) -> None:
    port = free_port()
    with serving(factory, port) as process:
        started = time.monotonic()
        _, err = process.communicate(timeout=server.STARTUP_GRACE_S + READY_S)
        elapsed = time.monotonic() - started
    assert process.returncode != 0
    assert "a web worker exited with code" in err
    assert "while starting" in err
    assert elapsed < server.STARTUP_GRACE_S + READY_S
    assert listeners_on(port) == 0


def test_serve_refuses_a_port_in_use_before_starting_any_worker() -> None:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with serving("support_server_apps:pid_app", port) as process:
            _, err = process.communicate(timeout=READY_S)
        assert process.returncode != 0
        assert "Address already in use" in err
        assert "a web worker" not in err  # failed in the parent, no worker spawned
