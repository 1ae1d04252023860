"""Certificates of recycling and of data wiping, and the public lookups (ADR 0016).

Services-level: each use case takes the session first and `now`, never commits, and
signs with the custody Ed25519 key (`custody.signing.Signer`) the edge passes in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste.custody.access import access_unit_trace
from ewaste.custody.certificate_rules import (
    AlreadyWiped,
    CertificateFacts,
    CertificateKind,
    CertificateNotFound,
    NotYetRecycled,
    ReceiptNotFound,
    WipeMethod,
    certificate_message,
    check_data_bearing,
    check_wipe_time,
)
from ewaste.custody.keys import check_signer
from ewaste.custody.models import Certificate, Unit
from ewaste.custody.public import CertificateCheck, PublicUnit, check_certificate, public_unit
from ewaste.custody.repository import ReservationRepository
from ewaste.custody.rules import (
    CERTIFICATE_CODE_PREFIX,
    CERTIFICATE_CODE_RANDOM_LENGTH,
    RECEIPT_CODE_PREFIX,
    UNIT_CODE_RANDOM_LENGTH,
    HandoverKind,
    UnitNotFound,
    UnitStatus,
    WrongHolder,
    new_certificate_code,
    parse_prefixed_code,
)
from ewaste.custody.signing import PublicKey, Signer
from ewaste.identity import Actor, Permission
from ewaste.kernel.errors import InvalidInput


def _sign(
    session: Session,
    *,
    actor: Actor,
    unit: Unit,
    kind: CertificateKind,
    issuer_id: int,
    anchor: tuple[int, str],
    performed_at: datetime,
    signer: Signer,
    now: datetime,
    method: str = "",
    operator_ref: str = "",
) -> Certificate:
    check_signer(session, signer=signer)
    repo = ReservationRepository(session)
    code = new_certificate_code()
    while repo.certificate_by_code(code) is not None:  # 80 random bits: never loops in practice
        code = new_certificate_code()
    key_id = signer.public_key.key_id
    facts = CertificateFacts(
        code=code,
        kind=kind,
        unit_code=unit.code,
        category_code=unit.category_code,
        issued_at=now,
        issuer_id=issuer_id,
        anchor_chain_seq=anchor[0],
        anchor_hash=anchor[1],
        method=method,
        performed_at=performed_at,
        operator_ref=operator_ref,
    )
    certificate = Certificate(
        code=code,
        kind=kind.value,
        unit_id=unit.id,
        issuer_id=issuer_id,
        issued_by=actor.user_id,
        issued_at=now,
        performed_at=performed_at,
        method=method,
        operator_ref=operator_ref,
        anchor_chain_seq=anchor[0],
        anchor_hash=anchor[1],
        key_id=key_id,
        signature=signer.sign(certificate_message(facts, key_id=key_id)),
    )
    repo.add_certificate(certificate)
    return certificate


def _existing(repo: ReservationRepository, unit: Unit, kind: CertificateKind) -> Certificate | None:
    return next((c for c in repo.certificates_of(unit.id) if c.kind == kind.value), None)


def issue_recycling_certificate(
    session: Session, *, actor: Actor, unit_code: str, signer: Signer, now: datetime
) -> Certificate:
    """The certificate of recycling of a dismantled unit, issued once and then returned again.

    Anyone who may see the unit's chain may ask (its household first of all; also the
    parties that handled it and auditors). It stands on the unit's dismantling event (the
    latest correction of it, if corrected) and names the dismantling plant as issuer.
    Raises InvalidUnitCode, UnitNotFound and NotYetRecycled.
    """
    unit = access_unit_trace(session, actor=actor, unit_code=unit_code)
    repo = ReservationRepository(session)
    existing = _existing(repo, unit, CertificateKind.RECYCLING)
    if existing is not None:
        return existing
    latest = repo.latest_event(unit.id)
    if (
        unit.status != UnitStatus.DISMANTLED.value
        or latest is None
        or latest.kind != HandoverKind.DISMANTLE.value
    ):
        raise NotYetRecycled(unit_code=unit.code, status=unit.status)
    return _sign(
        session,
        actor=actor,
        unit=unit,
        kind=CertificateKind.RECYCLING,
        issuer_id=latest.to_id,
        anchor=(latest.chain_seq, latest.hash),
        performed_at=latest.occurred_at,
        signer=signer,
        now=now,
    )


def record_data_wipe(
    session: Session,
    *,
    actor: Actor,
    unit_code: str,
    method: str,
    operator_ref: str,
    wiped_at: datetime,
    signer: Signer,
    now: datetime,
) -> Certificate:
    """Record that the plant or station holding a phone or computer wiped its data, and
    issue the signed data-wipe certificate (one per unit).

    Raises MissingPermission (not a plant or station), InvalidUnitCode, UnitNotFound (a
    unit it never handled), WrongHolder (it does not hold the unit now), NotDataBearing,
    InvalidInput (unknown method, operator reference too long), InvalidWipe (a time in
    the future or before the unit reached it) and AlreadyWiped. Nothing is written when
    any of them is raised.
    """
    if not (
        actor.can(Permission.PLANT_UNIT_DISMANTLE) or actor.can(Permission.STATION_UNIT_RECEIVE)
    ):
        actor.require(Permission.PLANT_UNIT_DISMANTLE)
    unit = access_unit_trace(session, actor=actor, unit_code=unit_code)
    if unit.holder_id != actor.organisation_id:
        raise WrongHolder(unit_code=unit.code)
    check_data_bearing(unit.category_code)
    if method not in {m.value for m in WipeMethod}:
        raise InvalidInput(
            f"Unknown wipe method {method!r}; use one of: "
            f"{', '.join(m.value for m in WipeMethod)}.",
            method=method,
        )
    operator_ref = operator_ref.strip()
    if not 1 <= len(operator_ref) <= 40:
        raise InvalidInput(
            "The operator reference (badge or workstation id) is 1 to 40 characters."
        )
    repo = ReservationRepository(session)
    if _existing(repo, unit, CertificateKind.DATA_WIPE) is not None:
        raise AlreadyWiped(unit_code=unit.code)
    held_since = repo.received_at(unit.id, actor.organisation_id)
    check_wipe_time(wiped_at=wiped_at, held_since=held_since or wiped_at, now=now)
    latest = repo.latest_event(unit.id)
    assert latest is not None  # a unit it holds has at least the event that brought it there
    return _sign(
        session,
        actor=actor,
        unit=unit,
        kind=CertificateKind.DATA_WIPE,
        issuer_id=actor.organisation_id,
        anchor=(latest.chain_seq, latest.hash),
        performed_at=wiped_at,
        signer=signer,
        now=now,
        method=method,
        operator_ref=operator_ref,
    )


def verify_certificate(
    session: Session, *, certificate_code: str, public_key: PublicKey
) -> tuple[CertificateCheck, PublicUnit]:
    """A certificate, whether it verifies, and its unit's public chain. No login needed:
    the id is unguessable. Raises CertificateNotFound (also for a malformed id)."""
    code = parse_prefixed_code(
        certificate_code, prefix=CERTIFICATE_CODE_PREFIX, length=CERTIFICATE_CODE_RANDOM_LENGTH
    )
    repo = ReservationRepository(session)
    certificate = None if code is None else repo.certificate_by_code(code)
    unit = None if certificate is None else repo.unit_by_id(certificate.unit_id)
    if certificate is None or unit is None:
        raise CertificateNotFound(certificate_code=certificate_code)
    view = public_unit(session, unit, public_key=public_key)
    return check_certificate(session, certificate, unit=unit, public_key=public_key), view


def lookup_receipt(session: Session, *, receipt_code: str, public_key: PublicKey) -> PublicUnit:
    """ "Where did my item go?": the public chain of the unit with this receipt code.
    Raises ReceiptNotFound (also for a malformed code)."""
    code = parse_prefixed_code(
        receipt_code, prefix=RECEIPT_CODE_PREFIX, length=UNIT_CODE_RANDOM_LENGTH
    )
    unit = None if code is None else ReservationRepository(session).unit_by_receipt(code)
    if unit is None:
        raise ReceiptNotFound(receipt_code=receipt_code)
    return public_unit(session, unit, public_key=public_key)


def receipt_code_of(session: Session, *, actor: Actor, unit_code: str) -> str:
    """The receipt code of a unit the actor's household handed over (or an auditor may
    see); UnitNotFound for everyone else, who must not learn it."""
    unit = access_unit_trace(session, actor=actor, unit_code=unit_code)
    if unit.household_id != actor.organisation_id and not actor.can(Permission.AUDIT_UNIT_TRACE):
        raise UnitNotFound(unit_code=unit.code)
    code = ReservationRepository(session).receipt_code(unit.id)
    if code is None:
        raise UnitNotFound(unit_code=unit.code)
    return code
