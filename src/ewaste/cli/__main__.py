"""The CLI composition root: `ewaste …`."""

from __future__ import annotations

import logging

import typer

from ewaste.cli import custody, db, money, operations, route
from ewaste.cli.context import run_guarded
from ewaste.cli.demo import demo
from ewaste.cli.serve import serve
from ewaste.cli.worker import worker

app = typer.Typer(
    help="E-Waste Exchange: household pickup to licensed dismantling.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(operations.pickups, name="pickups")
app.add_typer(operations.reports, name="report")
app.add_typer(operations.prices, name="prices")
app.add_typer(route.app, name="route")
app.add_typer(custody.app, name="custody")
app.add_typer(money.ledger_app, name="ledger")
app.add_typer(money.payouts_app, name="payouts")
app.command("demo")(demo)
app.command("serve")(serve)
app.command("worker")(worker)


def main() -> None:
    """Entry point of the `ewaste` script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    run_guarded(app)


if __name__ == "__main__":
    main()
