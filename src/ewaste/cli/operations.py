"""Operator commands: assign a pickup, plan the city's routes, show the overview."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import date
from pathlib import Path

import typer

from ewaste import analytics, dispatch, pricing
from ewaste.cli.context import cli_context
from ewaste.kernel.clock import china_day

pickups = typer.Typer(help="Pickups (operator).", no_args_is_help=True)
reports = typer.Typer(help="Reports (operator).", no_args_is_help=True)


@pickups.command("assign")
def assign(
    pickup_id: int,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the choice, change nothing."),
) -> None:
    """Assign a requested pickup to the nearest eligible collector."""
    with cli_context(dry_run=dry_run) as ctx:
        view = dispatch.assign_pickup(
            ctx.session, actor=ctx.operator, pickup_id=pickup_id, now=ctx.now
        )
        typer.echo(f"pickup {view.id} → collector {view.collector_id}")


@pickups.command("plan-routes")
def plan_routes(
    day: str = typer.Option("", help="The day to plan, YYYY-MM-DD (default: today, China time)."),
    seconds: float = typer.Option(30.0, min=1.0, max=600.0, help="Search time."),
    workers: int = typer.Option(0, min=0, help="Processes (0: every core)."),
    as_json: bool = typer.Option(False, "--json"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Plan and report, change nothing."),
) -> None:
    """Re-plan every stop not yet started and every waiting pickup of a day across all
    collectors (started stops stay); print what moved and the km before and after."""
    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {day!r}", param_hint="--day") from None
    with cli_context(dry_run=dry_run) as ctx:
        planned_day = chosen or china_day(ctx.now)
        done = dispatch.plan_routes(
            ctx.session,
            actor=ctx.operator,
            day=planned_day,
            now=ctx.now,
            seconds=seconds,
            workers=workers or os.cpu_count() or 1,
        )
    if as_json:
        figures = dataclasses.asdict(done) | {"day": done.day.isoformat()}
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{done.day}: {done.promised} stops already given out and {done.waiting} waiting, "
        f"{done.collectors} collectors, {done.seconds:.1f} s"
    )
    typer.echo(
        f"planned: {done.served} stops, {done.before_m / 1000:.1f} km before → "
        f"{done.after_m / 1000:.1f} km after (before: without the waiting pickups)"
    )
    for reason, count in sorted(done.left_out.items()):
        typer.echo(f"left out: {count} — {reason}")
    if not done.applied:
        typer.echo("not applied: the plan failed our checker or dropped a stop already routed")
    elif dry_run:
        typer.echo("dry run: nothing changed")
    else:
        typer.echo(
            f"applied: {done.assigned} assigned, {done.moved} moved to another collector, "
            f"{done.skipped} left as they were (changed during the search)"
        )
    if done.declined_moves:
        typer.echo(
            f"declined: {done.declined_moves} other moves the search proposed did not pay for "
            "themselves (1 km each); those collectors keep their stops"
        )


@reports.command("overview")
def overview(as_json: bool = typer.Option(False, "--json")) -> None:
    """Volumes, money by account kind, ledger balance and custody completeness."""
    with cli_context(dry_run=True) as ctx:
        o = analytics.overview_for(ctx.session, actor=ctx.operator)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "pickups": o.pickups,
                    "lots": o.lots,
                    "units_by_status": o.units_by_status,
                    "money_by_account_kind": {
                        k: v.as_decimal_string() for k, v in o.money_by_kind.items()
                    },
                    "ledger_balanced": o.ledger_balanced,
                    "custody_chains_complete": o.chains_complete,
                    "custody_chains_total": o.chains_total,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    typer.echo(f"ledger balanced: {'yes' if o.ledger_balanced else 'NO'}")
    typer.echo(f"custody chains complete: {o.chains_complete} of {o.chains_total}")
    for kind, amount in sorted(o.money_by_kind.items()):
        typer.echo(f"{kind}: {amount.as_decimal_string()} CNY")


prices = typer.Typer(help="Price inputs (operator).", no_args_is_help=True)


@prices.command("import")
def import_prices(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, store nothing."),
) -> None:
    """Append price versions from a CSV file (kind,key,region,value,effective_from,source)."""
    with cli_context(dry_run=dry_run) as ctx:
        count = pricing.import_price_csv(
            ctx.session, actor=ctx.operator, text=path.read_text("utf-8"), now=ctx.now
        )
    typer.echo(f"{'checked' if dry_run else 'imported'} {count} price version(s)")


@prices.command("board")
def board(region: str = typer.Option("", help="Region (default: EWASTE_DEFAULT_REGION).")) -> None:
    """Print the commodity prices in force and each category's reference price."""
    with cli_context(dry_run=True) as ctx:
        shown = pricing.price_board(
            ctx.session, region=region or ctx.settings.default_region, at=ctx.now
        )
    for c in shown.commodities:
        flag = " (estimate)" if c.estimate else ""
        typer.echo(f"{c.commodity:<24} {c.yuan_per_kg:>10} yuan/kg{flag}")
    for r in shown.references:
        free = "  collected free" if r.free_collection else ""
        typer.echo(f"{r.category:<24} {r.payable.as_decimal_string():>10} yuan{free}")
