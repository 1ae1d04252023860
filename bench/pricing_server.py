"""The app under benchmark, served the way `ewaste serve --workers N` serves it.

`bench/pricing.py` starts this file in a subprocess (its own process group) with the
database URL and secret in the environment, and kills it when the run ends:

    EWASTE_BENCH_DATABASE_URL=... EWASTE_BENCH_SECRET=... python bench/pricing_server.py --port P

The app is the real one (`create_app`), with the system clock, on loopback only.
`--stock` serves it with `uvicorn.run(workers=N)` instead: one shared listening socket
(with TCP_NODELAY off, uvicorn issue #3149), for comparison; see ewaste/web/server.py.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from fastapi import FastAPI

from ewaste.config import Settings
from ewaste.web import server
from ewaste.web.app import create_app

HERE = Path(__file__).resolve().parent


def create() -> FastAPI:
    """The application for the benchmark's database (each worker calls this)."""
    settings = Settings(
        database_url=os.environ["EWASTE_BENCH_DATABASE_URL"],
        env="test",
        secret_key=os.environ["EWASTE_BENCH_SECRET"],
    )
    return create_app(settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stock", action="store_true", help="uvicorn's own multi-worker mode")
    args = parser.parse_args()
    options = {"log_level": "warning", "access_log": False, "app_dir": str(HERE)}
    if args.stock:
        import uvicorn

        uvicorn.run(
            "pricing_server:create",
            factory=True,
            host="127.0.0.1",
            port=args.port,
            workers=args.workers,
            **options,  # type: ignore[arg-type]
        )
        return
    server.serve(
        "pricing_server:create", host="127.0.0.1", port=args.port, workers=args.workers, **options
    )


if __name__ == "__main__":
    main()
