"""The app under benchmark: `uvicorn pricing_server:create --factory`, bench-only.

`bench/pricing.py` starts this file in a subprocess (its own process group) with the
database URL and secret in the environment, and kills it when the run ends:

    EWASTE_BENCH_DATABASE_URL=... EWASTE_BENCH_SECRET=... python bench/pricing_server.py --port P

The app is the real one (`create_app`), with the system clock, on loopback only.

TCP_NODELAY: with `workers > 1` uvicorn binds the listening socket itself with `proto` 0;
accepted sockets inherit it and asyncio then leaves Nagle's algorithm on, so every
keep-alive response after the first waits ~40 ms for the client's delayed ACK
(https://github.com/Kludex/uvicorn/issues/3149, open). Unless `--stock` is given, this
file rebinds that socket with `proto=IPPROTO_TCP` so that asyncio sets TCP_NODELAY.
"""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path

from fastapi import FastAPI

from ewaste.config import Settings
from ewaste.web.app import create_app

HERE = Path(__file__).resolve().parent


def create() -> FastAPI:
    """The application for the benchmark's database (uvicorn calls this in each worker)."""
    settings = Settings(
        database_url=os.environ["EWASTE_BENCH_DATABASE_URL"],
        env="test",
        secret_key=os.environ["EWASTE_BENCH_SECRET"],
    )
    return create_app(settings)


def set_tcp_proto_on_bound_socket() -> None:
    """Make uvicorn's pre-bound listening socket say IPPROTO_TCP (see the module doc)."""
    from uvicorn.config import Config

    original = Config.bind_socket

    def bind_socket(self: Config) -> socket.socket:
        sock = original(self)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
        return sock

    Config.bind_socket = bind_socket  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stock", action="store_true", help="leave uvicorn's socket as is")
    args = parser.parse_args()

    import uvicorn

    if not args.stock:
        set_tcp_proto_on_bound_socket()

    uvicorn.run(
        "pricing_server:create",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        app_dir=str(HERE),
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
