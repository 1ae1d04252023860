"""`ewaste custody …`: verify the tamper-evident custody log, sign a checkpoint, correct an
event, rotate and revoke the signing key, show the keys, print a collector's QR label
sheets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer

from ewaste import custody, identity
from ewaste.cli.context import session_factory
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock
from ewaste.kernel.ids import UserId
from ewaste.kernel.quantities import Mass

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
        key = custody.trusted_key(
            public_key or settings.custody_public_key,
            settings.custody_signing_key,
            env=settings.env,
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
    if not as_json:
        for use in report.keys:
            typer.echo(_key_line(use), err=fault is not None)
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


def _key_line(use: custody.KeyUse) -> str:
    revoked = f", revoked from {use.revoked_at.isoformat()}" if use.revoked_at else ""
    return (
        f"key {use.key_id} {use.status.value}: {use.checkpoints} checkpoints{revoked}"
        f"{'' if use.public_key else ' (not linked to the trusted key)'}"
    )


def _load_key(value: str, what: str) -> custody.Signer:
    try:
        signer = custody.load_signer(value, env="production")
    except custody.InvalidSigningKey as error:
        typer.echo(f"error[custody.invalid_signing_key]: {what}: {error}", err=True)
        raise SystemExit(2) from error
    return signer


@app.command("correct")
def correct(
    event_id: int = typer.Argument(..., help="The custody event to correct."),
    user_id: int = typer.Option(..., "--user-id", help="Who corrects (party or operator)."),
    reason: str = typer.Option(..., "--reason", help="Why, 1 to 200 characters."),
    grams: int | None = typer.Option(None, "--grams", help="The corrected mass, grams."),
    evidence: str | None = typer.Option(None, "--evidence", help="The corrected evidence."),
    ref: str | None = typer.Option(None, "--ref", help="The corrected business reference."),
) -> None:
    """Correct a custody event: append a new event that points at it, with the reason.
    The original stays byte-identical (docs/adr/0013)."""
    settings = Settings()
    with transaction(session_factory(settings)) as session:
        actor = identity.actor_for_user(session, user_id=UserId(user_id))
        event = custody.correct_event(
            session,
            actor=actor,
            event_id=event_id,
            reason=reason,
            mass=None if grams is None else Mass(grams),
            evidence=evidence,
            ref=ref,
        )
        text = (
            f"event {event.id} (sequence {event.chain_seq}, hash {event.hash}) corrects "
            f"event {event.corrects_id}: {event.grams} g, reason: {event.reason}"
        )
    typer.echo(text)


@app.command("rotate-key")
def rotate_key(
    new_key: str = typer.Option(
        ...,
        "--new-key",
        help="The new private key: a PEM file's path (openssl genpkey -algorithm ed25519) "
        "or the base64 of a 32-byte seed.",
    ),
) -> None:
    """Rotate the signing key: the configured key and the new key both sign the rotation;
    what the old key signed keeps verifying. Then set EWASTE_CUSTODY_SIGNING_KEY to the
    new key (the old one may no longer sign)."""
    settings = Settings()
    current = _signer(settings)
    new = _load_key(new_key, "--new-key")
    with transaction(session_factory(settings)) as session:
        row = custody.rotate_signing_key(session, current=current, new=new, now=SystemClock().now())
        text = (
            f"rotated from key {row.previous_key_id} to key {row.key_id} ({row.public_key}); "
            "now set EWASTE_CUSTODY_SIGNING_KEY to the new key"
        )
    typer.echo(text)


@app.command("revoke-key")
def revoke_key(
    key_id: str = typer.Argument(..., help="The key id to revoke."),
    reason: str = typer.Option(..., "--reason", help="Why, 1 to 200 characters."),
    since: datetime | None = typer.Option(
        None,
        "--since",
        help="From when its signatures are refused (ISO time, UTC if no offset); default now.",
    ),
) -> None:
    """Revoke a signing key (the configured, current key signs the revocation): what it
    signed from --since on is reported by verify; what it signed before still verifies."""
    settings = Settings()
    now = SystemClock().now()
    moment = now if since is None else since if since.tzinfo else since.replace(tzinfo=UTC)
    signer = _signer(settings)
    with transaction(session_factory(settings)) as session:
        row = custody.revoke_signing_key(
            session, signer=signer, key_id=key_id, since=moment, reason=reason, now=now
        )
        text = f"key {row.key_id} revoked from {row.revoked_at.isoformat()} by key {row.signed_by}"
    typer.echo(text)


@app.command("keys")
def keys() -> None:
    """List the signing keys linked to the configured key, with their status and use."""
    settings = Settings()
    pinned = _signer(settings).public_key
    with transaction(session_factory(settings), dry_run=True) as session:
        ring = custody.key_ring(session, pinned=pinned)
        lines = [
            f"{_key_line(use)} {use.public_key}".rstrip() for use in custody.key_uses(session, ring)
        ]
    for line in lines:
        typer.echo(line)


@app.command("public-key")
def public_key() -> None:
    """Print the public key (base64) that checks the checkpoints' signatures, and its id."""
    key = _signer(Settings()).public_key
    typer.echo(f"{key.base64} key_id={key.key_id}")


@app.command("labels")
def labels(
    user_id: int = typer.Option(..., "--user-id", help="The collector user who reserves."),
    out: Path = typer.Option(..., "--out", help="Where to write the PDF."),
    count: int = typer.Option(21, "--count", help="Codes to reserve (21 fill one A4 sheet)."),
    block_id: int = typer.Option(
        0, "--block", help="Print this block of the user's organisation again instead."
    ),
) -> None:
    """Reserve a block of unit codes for a collector (or take one of its blocks) and write
    its A4 QR label sheets to a PDF (docs/adr/0016)."""
    settings = Settings()
    with transaction(session_factory(settings)) as session:
        actor = identity.actor_for_user(session, user_id=UserId(user_id))
        block = (
            custody.code_block(session, actor=actor, block_id=block_id)
            if block_id
            else custody.reserve_unit_codes(
                session, actor=actor, count=count, now=SystemClock().now()
            )
        )
        pdf = custody.label_sheet_pdf(block.codes, block_id=block.id, expires_at=block.expires_at)
    out.write_bytes(pdf)
    typer.echo(
        f"block {block.id}: {len(block.codes)} codes valid until "
        f"{block.expires_at.isoformat()}, labels in {out}"
    )


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
        "keys": [
            {
                "key_id": use.key_id,
                "status": use.status.value,
                "public_key": use.public_key,
                "checkpoints": use.checkpoints,
                "activated_at": use.activated_at.isoformat() if use.activated_at else None,
                "revoked_at": use.revoked_at.isoformat() if use.revoked_at else None,
            }
            for use in report.keys
        ],
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
