"""The CLI's edge: settings, engine and one transaction per command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import typer
from sqlalchemy.orm import Session, sessionmaker

from ewaste import identity
from ewaste.config import Settings
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock
from ewaste.kernel.errors import DomainError


@dataclass(frozen=True, slots=True)
class CliContext:
    """What a command needs: a session in its transaction, the operator, and the time."""

    session: Session
    operator: identity.Actor
    now: datetime
    settings: Settings


def session_factory(settings: Settings) -> sessionmaker[Session]:
    """A session factory for the configured database."""
    return make_session_factory(make_engine(settings.database_url))


@contextmanager
def cli_context(*, dry_run: bool = False) -> Iterator[CliContext]:
    """Open the command's transaction as the first operator; commit unless `dry_run`."""
    settings = Settings()
    with transaction(session_factory(settings), dry_run=dry_run) as session:
        yield CliContext(session, identity.first_operator(session), SystemClock().now(), settings)


def fail(error: DomainError) -> None:
    """Print a domain error the house way and exit 2."""
    typer.echo(f"error[{error.code}]: {error.detail}", err=True)
    raise typer.Exit(2)


def run_guarded(main: typer.Typer) -> None:
    """Run the Typer app, turning domain errors into `error[code]: message` and exit 2."""
    try:
        # Outside standalone mode Click returns the code of a `typer.Exit` instead of raising
        # it, so a command's "exit 1 when something disagrees" must be passed on here.
        code = main(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except DomainError as error:
        typer.echo(f"error[{error.code}]: {error.detail}", err=True)
        sys.exit(2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except Exception as error:  # the edge: anything unanticipated is reported, exit 1
        import click

        # A usage error raised in a command (typer.BadParameter): Typer ≥ 0.2x carries its
        # own copy of Click, whose exceptions are not click's.
        usage = (click.exceptions.ClickException, typer.exceptions.TyperException)
        show = getattr(error, "show", None)
        if isinstance(error, usage) and callable(show):
            show()
            sys.exit(int(getattr(error, "exit_code", 2)))
        raise
