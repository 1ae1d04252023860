"""`ewaste custody …`: verify the tamper-evident custody log, sign a checkpoint, show the key."""

from __future__ import annotations

import json

import typer

from ewaste import custody
from ewaste.cli.context import session_factory
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock

app = typer.Typer(help="The tamper-evident custody log (docs/adr/0013).", no_args_is_help=True)

TAMPERED_EXIT = 3
"""Exit status when the chain or a checkpoint does not verify."""


def _signer(settings: Settings) -> custody.Signer:
    try:
        return custody.load_signer(settings.custody_signing_key, env=settings.env)
    except custody.InvalidSigningKey as error:
        typer.echo(f"error[custody.invalid_signing_key]: {error}", err=True)
        raise SystemExit(2) from error


@app.command("verify")
def verify(
    public_key: str = typer.Option(
        "",
        "--public-key",
        help="The published key (base64) to check signatures with; default: the configured one.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Check the whole hash chain and every signed checkpoint; name the first event that
    does not fit. Exits 0 when intact and 3 when tampered with."""
    settings = Settings()
    try:
        key = (
            custody.PublicKey.from_base64(public_key)
            if public_key
            else _signer(settings).public_key
        )
    except custody.InvalidSigningKey as error:
        typer.echo(f"error[custody.invalid_public_key]: {error}", err=True)
        raise SystemExit(2) from error
    with transaction(session_factory(settings), dry_run=True) as session:
        report = custody.verify_chain(session, public_key=key)
    fault = report.fault
    if as_json:
        typer.echo(json.dumps(report_json(report)))
    elif fault is None:
        typer.echo(
            f"custody chain intact: {report.events} events, {report.checkpoints} signed "
            f"checkpoints (key {report.key_id}); head {report.last_chain_seq} {report.last_hash}"
        )
    else:
        typer.echo(f"custody chain TAMPERED: {fault.describe()}", err=True)
        typer.echo(f"({report.events} events fit before it)", err=True)
    if fault is not None:
        raise SystemExit(TAMPERED_EXIT)  # not typer.Exit: run_guarded would turn it into 0


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign a checkpoint of the chain's head now (the worker also does it when due)."""
    settings = Settings()
    signer = _signer(settings)
    with transaction(session_factory(settings)) as session:
        made = custody.sign_checkpoint(session, signer=signer, now=SystemClock().now())
        text = (
            "the head is already signed"
            if made is None
            else f"signed checkpoint of sequence {made.last_chain_seq} ({made.last_hash})"
        )
    typer.echo(text)


@app.command("public-key")
def public_key() -> None:
    """Print the public key (base64) that checks the checkpoints' signatures, and its id."""
    key = _signer(Settings()).public_key
    typer.echo(f"{key.base64} key_id={key.key_id}")


def report_json(report: custody.ChainReport) -> dict[str, object]:
    """The report as JSON-ready data (also the API's shape)."""
    fault = report.fault
    return {
        "intact": report.intact,
        "events": report.events,
        "checkpoints": report.checkpoints,
        "last_chain_seq": report.last_chain_seq,
        "last_hash": report.last_hash,
        "key_id": report.key_id,
        "fault": None
        if fault is None
        else {
            "reason": fault.reason.value,
            "chain_seq": fault.chain_seq,
            "event_id": fault.event_id,
            "checkpoint_id": fault.checkpoint_id,
            "detail": fault.detail,
            "message": fault.describe(),
        },
    }
