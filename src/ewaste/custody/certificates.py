"""Certificates of recycling and of data wiping, and the public lookups (ADR 0016).

Services-level: each use case takes the session first and `now`, never commits. The web
only records requests (`request_recycling_certificate`, `record_data_wipe`); the worker,
the one process that holds the custody Ed25519 key, signs them
(`issue_requested_certificates`) after checking each against the chain again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ewaste.custody.access import access_unit_trace
from ewaste.custody.certificate_rules import (
    DATA_BEARING_CATEGORIES,
    AlreadyWiped,
    CertificateFacts,
    CertificateKind,
    CertificateNotFound,
    CertificatePending,
    NotYetRecycled,
    ReceiptNotFound,
    RequestEvent,
    RequestStatus,
    WipeMethod,
    certificate_message,
    check_data_bearing,
    check_wipe_time,
)
from ewaste.custody.keys import check_signer
from ewaste.custody.models import Certificate, CertificateRequest, CustodyEvent, Unit
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
from ewaste.identity import Actor, Permission, Role, organisation_row
from ewaste.kernel.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class CertificateState:
    """A certificate asked for: its id (the certificate keeps it once signed) and where it
    stands — "requested" (the worker signs it within seconds), "issued" or "refused"."""

    code: str
    kind: str
    unit_code: str
    status: str
    refusal: str = ""


def _state(request: CertificateRequest, unit: Unit) -> CertificateState:
    return CertificateState(request.code, request.kind, unit.code, request.status, request.refusal)


def _existing(repo: ReservationRepository, unit: Unit, kind: CertificateKind) -> Certificate | None:
    return next((c for c in repo.certificates_of(unit.id) if c.kind == kind.value), None)


def _ask(
    session: Session,
    *,
    actor: Actor,
    unit: Unit,
    kind: CertificateKind,
    issuer_id: int,
    now: datetime,
    performed_at: datetime | None = None,
    method: str = "",
    operator_ref: str = "",
) -> CertificateState:
    """Record a request for the worker to sign (or find the one a concurrent call made)."""
    repo = ReservationRepository(session)
    code = new_certificate_code()
    while repo.certificate_by_code(code) or repo.certificate_request_by_code(code):
        code = new_certificate_code()  # 80 random bits: never loops in practice
    request = CertificateRequest(
        code=code,
        kind=kind.value,
        unit_id=unit.id,
        issuer_id=issuer_id,
        requested_by=actor.user_id,
        requested_at=now,
        performed_at=performed_at,
        method=method,
        operator_ref=operator_ref,
        status=RequestStatus.REQUESTED.value,
        refusal="",
    )
    try:
        with session.begin_nested():
            repo.add_certificate_request(request)
    except IntegrityError:  # asked for at the same instant by another call: that one stands
        earlier = repo.certificate_request(unit.id, kind.value)
        if earlier is None:
            raise
        return _state(earlier, unit)
    return _state(request, unit)


def request_recycling_certificate(
    session: Session, *, actor: Actor, unit_code: str, now: datetime
) -> CertificateState:
    """Ask for the certificate of recycling of a dismantled unit (once; asking again
    returns the same one). The worker signs it within seconds (docs/adr/0016).

    Anyone who may see the unit's chain may ask (its household first of all; also the
    parties that handled it and auditors). It stands on the unit's dismantling event (the
    latest correction of it, if corrected) and names the dismantling plant as issuer.
    Raises InvalidUnitCode, UnitNotFound and NotYetRecycled.
    """
    unit = access_unit_trace(session, actor=actor, unit_code=unit_code)
    repo = ReservationRepository(session)
    existing = _existing(repo, unit, CertificateKind.RECYCLING)
    if existing is not None:
        return CertificateState(existing.code, existing.kind, unit.code, "issued")
    asked = repo.certificate_request(unit.id, CertificateKind.RECYCLING.value, for_update=True)
    if asked is not None and asked.status != RequestStatus.REFUSED.value:
        return _state(asked, unit)
    latest = repo.latest_event(unit.id)
    if not _recycled(unit, latest):
        raise NotYetRecycled(unit_code=unit.code, status=unit.status)
    assert latest is not None
    if asked is not None:  # refused before, and the chain now supports it: ask again
        asked.apply(RequestEvent.ASK_AGAIN, now=now)
        asked.issuer_id, asked.requested_at = latest.to_id, now
        session.flush()
        return _state(asked, unit)
    return _ask(
        session,
        actor=actor,
        unit=unit,
        kind=CertificateKind.RECYCLING,
        issuer_id=latest.to_id,
        now=now,
    )


def _recycled(unit: Unit, latest: CustodyEvent | None) -> bool:
    return (
        unit.status == UnitStatus.DISMANTLED.value
        and latest is not None
        and latest.kind == HandoverKind.DISMANTLE.value
    )


def record_data_wipe(
    session: Session,
    *,
    actor: Actor,
    unit_code: str,
    method: str,
    operator_ref: str,
    wiped_at: datetime,
    now: datetime,
) -> CertificateState:
    """Record that the plant or station holding a phone or computer wiped its data, and ask
    for its data-wipe certificate (one per unit), which the worker signs within seconds.

    Raises MissingPermission (not a plant or station), InvalidUnitCode, UnitNotFound (a
    unit it never handled), WrongHolder (it does not hold the unit now), NotDataBearing,
    InvalidInput (unknown method, operator reference too long), InvalidWipe (a time in
    the future or before the unit reached it) and AlreadyWiped (certified, or recorded by
    another wiper). Recording it again while it is being signed returns the first record
    (a retry); after a refusal it is recorded again with the new facts. Nothing is written
    when an error is raised.
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
    asked = repo.certificate_request(unit.id, CertificateKind.DATA_WIPE.value, for_update=True)
    if asked is not None and asked.status == RequestStatus.REQUESTED.value:
        if asked.issuer_id != actor.organisation_id:
            raise AlreadyWiped(unit_code=unit.code)
        return _state(asked, unit)  # a retry: the first record stands and is being signed
    held_since = repo.received_at(unit.id, actor.organisation_id)
    check_wipe_time(wiped_at=wiped_at, held_since=held_since or wiped_at, now=now)
    if asked is not None:  # refused before: recorded again with these facts
        asked.apply(RequestEvent.ASK_AGAIN, now=now)
        asked.issuer_id, asked.requested_by, asked.requested_at = (
            actor.organisation_id,
            actor.user_id,
            now,
        )
        asked.performed_at, asked.method, asked.operator_ref = wiped_at, method, operator_ref
        session.flush()
        return _state(asked, unit)
    return _ask(
        session,
        actor=actor,
        unit=unit,
        kind=CertificateKind.DATA_WIPE,
        issuer_id=actor.organisation_id,
        now=now,
        performed_at=wiped_at,
        method=method,
        operator_ref=operator_ref,
    )


def issue_requested_certificates(
    session: Session, *, signer: Signer, now: datetime, limit: int
) -> int:
    """The worker's job: sign up to `limit` requested certificates, oldest first, each
    after checking it against the chain again — a request the chain does not support (a
    forged row, a dismantling corrected away) is refused with the reason, never signed.
    Raises SigningKeyNotCurrent or SigningKeyRevoked (nothing signed) when `signer` may
    not sign. Returns how many requests it settled."""
    repo = ReservationRepository(session)
    requests = repo.claim_certificate_requests(limit=limit)
    if not requests:
        return 0
    check_signer(session, signer=signer)
    for request in requests:
        refusal = _sign_request(session, repo, request, signer=signer, now=now)
        event = RequestEvent.REFUSE if refusal else RequestEvent.ISSUE
        request.apply(event, now=now, refusal=refusal)
    session.flush()
    return len(requests)


def _wipe_refusal(
    session: Session, repo: ReservationRepository, request: CertificateRequest, unit: Unit
) -> str:
    """Why a data-wipe request may not be signed ("" when it may): the checks the web made
    when it was recorded, made again from the database alone."""
    issuer = organisation_row(session, request.issuer_id)
    if issuer is None or issuer.role not in WIPERS:
        return "the wiper is not a plant or a station"
    if unit.category_code not in DATA_BEARING_CATEGORIES:
        return "the unit's category holds no user data"
    if request.method not in {m.value for m in WipeMethod}:
        return "the wipe method is not one we certify"
    if not 1 <= len(request.operator_ref.strip()) <= 40:
        return "the wipe names no operator"
    held_since = repo.received_at(unit.id, request.issuer_id)
    if held_since is None or request.performed_at is None:
        return "the wiper never held the unit"
    if not held_since <= request.performed_at <= request.requested_at:
        return "the wipe time is outside the wiper's holding of the unit"
    return ""


WIPERS = frozenset({Role.PLANT.value, Role.STATION.value})
"""Who may wipe a unit's data and have it certified."""


def _sign_request(
    session: Session,
    repo: ReservationRepository,
    request: CertificateRequest,
    *,
    signer: Signer,
    now: datetime,
) -> str:
    """Sign the request's certificate; returns "" or why it may not be signed."""
    unit = repo.unit_by_id(request.unit_id)
    if unit is None:
        return "no such unit"
    kind = CertificateKind(request.kind)
    if _existing(repo, unit, kind) is not None:
        return "the unit already has a certificate of this kind"
    performed_at = request.performed_at
    if kind is CertificateKind.RECYCLING:
        latest = repo.latest_event(unit.id)
        if latest is None or not _recycled(unit, latest):
            return "the unit's chain does not end in its dismantling"
        if latest.to_id != request.issuer_id:
            return "the unit was dismantled by another plant than the request names"
        performed_at = latest.occurred_at
    else:
        # The wipe stands on the chain as it was when it was recorded.
        latest = repo.latest_event(unit.id, until=request.requested_at)
        refusal = _wipe_refusal(session, repo, request, unit)
        if refusal:
            return refusal
        if latest is None:
            return "the unit has no custody event before the wipe was recorded"
    key_id = signer.public_key.key_id
    facts = CertificateFacts(
        code=request.code,
        kind=kind,
        unit_code=unit.code,
        category_code=unit.category_code,
        issued_at=now,
        issuer_id=request.issuer_id,
        anchor_chain_seq=latest.chain_seq,
        anchor_hash=latest.hash,
        method=request.method,
        performed_at=performed_at,
        operator_ref=request.operator_ref,
    )
    repo.add_certificate(
        Certificate(
            code=request.code,
            kind=kind.value,
            unit_id=unit.id,
            issuer_id=request.issuer_id,
            issued_by=request.requested_by,
            issued_at=now,
            performed_at=performed_at,
            method=request.method,
            operator_ref=request.operator_ref,
            anchor_chain_seq=latest.chain_seq,
            anchor_hash=latest.hash,
            key_id=key_id,
            signature=signer.sign(certificate_message(facts, key_id=key_id)),
        )
    )
    return ""


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
        asked = None if code is None else repo.certificate_request_by_code(code)
        if asked is not None and asked.status == RequestStatus.REQUESTED.value:
            raise CertificatePending(certificate_code=code)
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
