"""The public view of a unit's chain: kinds of holders, districts, dates, the dismantling and
certificate validity, without personal data (a read module, like trace.py; ADR 0016).

Nobody logs in to read it: it is reached by a receipt code (the household's) or a
certificate id, both unguessable. It never shows a name of a household or of an individual
collector, a phone number, an address, coordinates, a user id, an evidence reference or a
business document reference. Stations and plants are licensed businesses and appear by
name and district; collectors and households by role only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.custody.certificate_rules import CertificateFacts, CertificateKind, certificate_message
from ewaste.custody.chain import event_hash
from ewaste.custody.keys import key_ring
from ewaste.custody.models import Certificate, CustodyEvent, Unit
from ewaste.custody.repository import ReservationRepository
from ewaste.custody.rules import ChainLink, HandoverKind, chain_is_complete
from ewaste.custody.signing import PublicKey
from ewaste.custody.trace import effective_events

NAMED_ROLES = frozenset({"station", "plant"})
"""Roles shown by name on public pages: licensed businesses, never private persons."""


@dataclass(frozen=True, slots=True)
class PublicParty:
    """A party of the chain as the public sees it."""

    role: str
    name: str
    """Empty for households and collectors."""
    district: str
    """Empty for households."""
    name_zh: str = ""
    """The Chinese name, where `name` is shown and there is one (it includes the district)."""


@dataclass(frozen=True, slots=True)
class PublicStep:
    """One handover as the public sees it."""

    seq: int
    kind: str
    giver: PublicParty
    receiver: PublicParty
    occurred_at: datetime
    grams: int
    corrected: bool
    corrects_chain_seq: int | None = None
    """For a corrected step: the chain place of the event the correction replaces (the
    reason is not shown: it is free text that may name people)."""


@dataclass(frozen=True, slots=True)
class CertificateCheck:
    """A certificate and whether it verifies."""

    code: str
    kind: str
    unit_code: str
    category_code: str
    issued_at: datetime
    performed_at: datetime | None
    issuer: PublicParty
    method: str
    operator_ref: str
    anchor_chain_seq: int
    anchor_hash: str
    key_id: str
    valid: bool
    problem: str
    """Why it does not verify ("" when valid)."""


@dataclass(frozen=True, slots=True)
class PublicUnit:
    """A unit's chain for the public pages."""

    unit_code: str
    category_code: str
    status: str
    complete: bool
    steps: tuple[PublicStep, ...]
    certificates: tuple[CertificateCheck, ...]


def _parties(session: Session, ids: Sequence[int]) -> dict[int, PublicParty]:
    parties = {}
    for organisation_id in sorted(set(ids)):
        row = identity.organisation_row(session, organisation_id)
        if row is None:
            parties[organisation_id] = PublicParty("unknown", "", "")
            continue
        named = row.role in NAMED_ROLES
        parties[organisation_id] = PublicParty(
            row.role,
            row.name if named else "",
            "" if row.role == "household" else row.district,
            row.name_zh if named else "",
        )
    return parties


def check_certificate(
    session: Session, certificate: Certificate, *, unit: Unit, public_key: PublicKey
) -> CertificateCheck:
    """Verify a certificate: the signature with a key of `public_key`'s ring (it, or a key
    linked to it by a signed rotation, not revoked when the certificate was issued), and
    that the custody event it stands on is still in the chain at its place, belongs to its
    unit, and hashes to the certified hash. (Whether the whole chain is intact is
    `ewaste custody verify`.)"""
    facts = CertificateFacts(
        code=certificate.code,
        kind=CertificateKind(certificate.kind),
        unit_code=unit.code,
        category_code=unit.category_code,
        issued_at=certificate.issued_at,
        issuer_id=certificate.issuer_id,
        anchor_chain_seq=certificate.anchor_chain_seq,
        anchor_hash=certificate.anchor_hash,
        method=certificate.method,
        performed_at=certificate.performed_at,
        operator_ref=certificate.operator_ref,
    )
    row = ReservationRepository(session).chain_row_at(certificate.anchor_chain_seq)
    verdict = key_ring(session, pinned=public_key).judge(
        certificate.key_id,
        certificate_message(facts, key_id=certificate.key_id),
        certificate.signature,
        certificate.issued_at,
    )
    # An unknown key and a wrong signature read alike to the public: not the platform's.
    problem = {"": "", "revoked_key": "revoked_key"}.get(verdict, "signature")
    if problem:
        pass  # the signature fails first: the anchor of a forged certificate means nothing
    elif row is None or row[2] != unit.id or row[16] != certificate.anchor_hash:
        problem = "anchor_missing"
    elif event_hash(tuple(row[:15]), row[15], row[17]) != row[16]:
        problem = "anchor_altered"
    issuer = _parties(session, [certificate.issuer_id])[certificate.issuer_id]
    return CertificateCheck(
        code=certificate.code,
        kind=certificate.kind,
        unit_code=unit.code,
        category_code=unit.category_code,
        issued_at=certificate.issued_at,
        performed_at=certificate.performed_at,
        issuer=issuer,
        method=certificate.method,
        operator_ref=certificate.operator_ref,
        anchor_chain_seq=certificate.anchor_chain_seq,
        anchor_hash=certificate.anchor_hash,
        key_id=certificate.key_id,
        valid=not problem,
        problem=problem,
    )


def public_unit(session: Session, unit: Unit, *, public_key: PublicKey) -> PublicUnit:
    """The unit's chain (corrections applied) and its certificates, without personal data."""
    stored = session.scalars(
        select(CustodyEvent).where(CustodyEvent.unit_id == unit.id).order_by(CustodyEvent.seq)
    ).all()
    events = effective_events(stored)
    seqs = [e.seq for e in stored if e.corrects_id is None]
    chain_seq_of = {e.id: e.chain_seq for e in stored}
    parties = _parties(session, [e.from_id for e in events] + [e.to_id for e in events])
    steps = tuple(
        PublicStep(
            seq=seq,
            kind=event.kind,
            giver=parties[event.from_id],
            receiver=parties[event.to_id],
            occurred_at=event.occurred_at,
            grams=event.grams,
            corrected=event.corrects_id is not None,
            corrects_chain_seq=None
            if event.corrects_id is None
            else chain_seq_of.get(event.corrects_id),
        )
        for seq, event in zip(seqs, events, strict=True)
    )
    links = [ChainLink(HandoverKind(e.kind), e.from_id, e.to_id, e.grams) for e in events]
    certificates = tuple(
        check_certificate(session, c, unit=unit, public_key=public_key)
        for c in ReservationRepository(session).certificates_of(unit.id)
    )
    return PublicUnit(
        unit_code=unit.code,
        category_code=unit.category_code,
        status=unit.status,
        complete=chain_is_complete(links),
        steps=steps,
        certificates=certificates,
    )
