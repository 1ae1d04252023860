"""`ewaste worker`: run due work (expiry, assignment) once or in a loop."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer

from ewaste import custody
from ewaste.cli.context import session_factory
from ewaste.config import Settings
from ewaste.kernel.clock import SystemClock
from ewaste.worker import record_round, run_due_jobs, run_forever, this_worker


def worker(
    once: bool = typer.Option(False, "--once", help="Run due jobs once and exit."),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between rounds."),
) -> None:
    """Run due jobs: expire old quotes and unconfirmed bookings, assign waiting pickups."""
    settings = Settings()
    try:  # the worker signs checkpoints and certificates: refuse to start without its key
        custody.load_signer(settings.custody_signing_key, env=settings.env)
    except custody.InvalidSigningKey as error:
        typer.echo(f"error[custody.invalid_signing_key]: {error}", err=True)
        raise SystemExit(2) from error
    factory = session_factory(settings)
    if once:
        clock = SystemClock()
        started = clock.now()
        counts = run_due_jobs(factory, clock)
        record_round(factory, clock, name=this_worker(), started_at=started)
        typer.echo(" ".join(f"{name}={n}" for name, n in counts.items()))
        return
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo("worker running; Ctrl-C to stop")
    run_forever(
        factory,
        SystemClock(),
        interval_seconds=interval,
        stop=stop,
        on_round=lambda c: (
            typer.echo(" ".join(f"{k}={v}" for k, v in c.items())) if any(c.values()) else None
        ),
    )
