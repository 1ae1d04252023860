"""`ewaste demo`: build Shenzhen, run a simulated day, print the summary, serve the site."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ewaste import demo as demo_city
from ewaste import dispatch, identity
from ewaste.cli.context import session_factory
from ewaste.cli.db import upgrade_to_head
from ewaste.cli.serve import serve_app
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import format_money

console = Console()


def demo(
    no_serve: bool = typer.Option(False, "--no-serve", help="Stop after the summary."),
    reset: bool = typer.Option(False, "--reset", help="Delete an existing SQLite demo first."),
    households: int = typer.Option(500, min=10, max=20_000),
    collectors: int = typer.Option(30, min=2, max=2_000),
    seed: int = typer.Option(2026, help="Random seed: the same seed gives the same city."),
    port: int | None = typer.Option(None, min=1, max=65535, help="TCP port (EWASTE_PORT)."),
) -> None:
    """Build the demo city, run a simulated day through every step, print the summary."""
    settings = Settings()
    if reset and settings.is_sqlite:
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    upgrade_to_head(settings.database_url)
    factory = session_factory(settings)
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo city, not a secret
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    clock = FrozenClock(today - timedelta(days=1))  # 08:00 in Shenzhen, yesterday
    with transaction(factory) as session:
        if identity.organisation_counts(session):
            raise typer.BadParameter(
                "the database already holds data; use --reset (SQLite) or `ewaste serve`"
            )
        city = demo_city.build_city(
            session, now=clock.now(), rng=rng, households=households, collectors=collectors
        )
    _print_logins(city)
    with Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        summary = demo_city.simulate_day(
            factory, city=city, clock=clock, settings=settings, rng=rng, progress=report
        )
    _print_summary(summary)
    if not no_serve:
        with _worker_beside(settings):
            serve_app(settings, port=port or settings.port)


@contextmanager
def _worker_beside(settings: Settings) -> Iterator[None]:
    """`ewaste worker` in a child process while the site is served, as in production: it
    signs the certificates households ask for (the web holds no signing key), closes
    auctions, expires offers and quotes. Stopped with the site."""
    env = {**os.environ, "EWASTE_DATABASE_URL": settings.database_url}
    child = subprocess.Popen([sys.executable, "-m", "ewaste.cli", "worker"], env=env)
    try:
        child.wait(timeout=2)  # a worker that cannot start (a bad key) stops at once
    except subprocess.TimeoutExpired:
        console.print(f"worker running beside the site (pid {child.pid})")
    else:
        console.print(
            f"[red]the worker stopped at once (exit {child.returncode}): certificates will "
            "not be signed and auctions not closed; see its message above[/red]"
        )
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _print_logins(city: demo_city.City) -> None:
    table = Table(title=f"Demo logins (password for all: {demo_city.DEMO_PASSWORD})")
    table.add_column("role")
    table.add_column("username")
    table.add_column("organisation")
    shown: dict[str, int] = {}
    for role, username, name in city.logins:
        shown[role] = shown.get(role, 0) + 1
        if shown[role] <= 2:
            table.add_row(role, username, name)
        elif shown[role] == 3:
            table.add_row(role, "…", "")
    console.print(table)


def _print_summary(summary: demo_city.DaySummary) -> None:
    o = summary.overview
    console.print(
        f"\nquotes: {summary.quotes}   pickups booked: {summary.pickups}   "
        f"collected: {summary.collected}   lots: {summary.lots}\n"
        f"payouts in the first bank batch: {summary.payouts_batched}"
        + _city_plan_line(summary.city_plan)
    )
    table = Table(title="Units and kg by category")
    for column in ("category", "类别", "units", "kg"):
        table.add_column(column)
    for line in o.categories:
        table.add_row(line.code, line.name_zh, str(line.units), f"{line.grams / 1000:,.1f}")
    console.print(table)
    money = Table(title="Money by account type")
    money.add_column("account type")
    money.add_column("balance")
    for kind, amount in sorted(o.money_by_kind.items()):
        money.add_row(kind, format_money(amount))
    console.print(money)
    console.print(f"ledger balanced: {'yes' if o.ledger_balanced else 'NO'}")
    console.print(f"custody chains complete: {o.chains_complete} of {o.chains_total}")


def _city_plan_line(plan: dispatch.CityPlan | None) -> str:
    """The operator's city plan of the demo day, in one line ('' when there was none)."""
    if plan is None:
        return ""
    if not plan.applied:
        return "\ncity plan: not applied (it failed our checker or dropped a promised stop)"
    return (
        f"\ncity plan: {plan.served} stops on {plan.collectors} collectors' routes, "
        f"{plan.moved} moved to another collector, {plan.assigned} assigned "
        f"({plan.before_m / 1000:.1f} km → {plan.after_m / 1000:.1f} km)"
    )
