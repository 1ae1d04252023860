"""Operator commands: assign a pickup, show the overview."""

from __future__ import annotations

import json

import typer

from ewaste import analytics, dispatch
from ewaste.cli.context import cli_context

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
