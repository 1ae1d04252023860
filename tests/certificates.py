"""Certificates as the web asks for them and the worker signs them (docs/adr/0016)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.custody.models import Certificate
from ewaste.identity import Actor

DEV_SIGNER = custody.load_signer("", env="test")


def signed(session: Session, code: str) -> Certificate:
    """The certificate with this id (it must have been signed)."""
    return session.scalars(select(Certificate).where(Certificate.code == code)).one()


def sign_requests(session: Session, *, now: datetime, signer: custody.Signer = DEV_SIGNER) -> int:
    """Run the worker's certificate job once."""
    return custody.issue_requested_certificates(session, signer=signer, now=now, limit=100)


def certify(
    session: Session,
    *,
    actor: Actor,
    unit_code: str,
    now: datetime,
    signer: custody.Signer = DEV_SIGNER,
) -> Certificate:
    """A unit's certificate of recycling: asked for as the web does, signed as the worker
    does."""
    state = custody.request_recycling_certificate(
        session, actor=actor, unit_code=unit_code, now=now
    )
    sign_requests(session, now=now, signer=signer)
    return signed(session, state.code)


def wipe(session: Session, *, signer: custody.Signer = DEV_SIGNER, **values: object) -> Certificate:
    """A data wipe recorded as the web does and its certificate signed as the worker does."""
    state = custody.record_data_wipe(session, **values)  # type: ignore[arg-type]
    sign_requests(session, now=values["now"], signer=signer)  # type: ignore[arg-type]
    return signed(session, state.code)
