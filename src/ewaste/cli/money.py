"""Money commands (operator): check the ledger, batch payouts, download a batch, import the
bank's result file, reconcile. The same services as the API."""

from __future__ import annotations

from pathlib import Path

import typer

from ewaste import ledger, payouts
from ewaste.cli.context import cli_context

ledger_app = typer.Typer(help="The ledger (operator).", no_args_is_help=True)
payouts_app = typer.Typer(help="Payouts and bank batches (operator).", no_args_is_help=True)


@ledger_app.command("check")
def check() -> None:
    """Sum the journal, compare every balance row with its lines, list forbidden negatives.

    Exits 1 when anything disagrees."""
    with cli_context(dry_run=True) as ctx:
        result = ledger.ledger_check_for_staff(ctx.session, actor=ctx.operator)
    typer.echo(f"entries {result.entries}, lines {result.lines}")
    typer.echo(
        f"debits {result.debits.as_decimal_string()} credits "
        f"{result.credits.as_decimal_string()}, unbalanced entries "
        f"{result.unbalanced_entries}"
    )
    typer.echo(f"balance rows differing from their lines: {list(result.mismatched_balances)}")
    typer.echo(f"forbidden negative balances: {list(result.forbidden_negatives)}")
    typer.echo("ledger ok" if result.ok else "LEDGER NOT OK")
    if not result.ok:
        raise typer.Exit(1)


@payouts_app.command("batch")
def batch() -> None:
    """Gather the requested payouts into a bank batch."""
    with cli_context() as ctx:
        view = payouts.create_batch(ctx.session, actor=ctx.operator, now=ctx.now)
    typer.echo(f"batch {view.id}: {view.payout_count} payouts, {view.total.as_decimal_string()}")


@payouts_app.command("download")
def download(batch_id: int, out: Path = typer.Option(..., "--out")) -> None:
    """Write a batch's bank file (CSV); the first download marks the batch sent."""
    with cli_context() as ctx:
        text = payouts.download_batch(
            ctx.session, actor=ctx.operator, batch_id=batch_id, now=ctx.now
        )
    out.write_text(text, encoding="utf-8")
    typer.echo(f"batch {batch_id} written to {out}")


@payouts_app.command("import")
def import_results(batch_id: int, file: Path) -> None:
    """Apply the bank's result file to a batch (all lines or none; idempotent)."""
    with cli_context() as ctx:
        summary = payouts.import_results(
            ctx.session,
            actor=ctx.operator,
            batch_id=batch_id,
            text=file.read_text(encoding="utf-8"),
            now=ctx.now,
        )
    typer.echo(
        f"batch {batch_id} {summary.batch.status}: {summary.confirmed} paid, "
        f"{summary.failed} failed, {summary.unchanged} unchanged"
    )


@payouts_app.command("reconcile")
def reconcile() -> None:
    """Payouts against the ledger and the bank's results; exits 1 when they disagree."""
    with cli_context(dry_run=True) as ctx:
        report = payouts.reconcile(ctx.session, actor=ctx.operator)
    for row in report.by_status:
        typer.echo(f"{row.status}: {row.count} ({row.total.as_decimal_string()})")
    typer.echo(
        f"in transit: ledger {report.in_transit_ledger.as_decimal_string()}, "
        f"payouts {report.in_transit_payouts.as_decimal_string()}"
    )
    typer.echo(f"missing entries: {list(report.missing_entries)}")
    typer.echo(f"unexpected entries: {list(report.unexpected_entries)}")
    typer.echo("reconciled" if report.ok else "NOT RECONCILED")
    if not report.ok:
        raise typer.Exit(1)
