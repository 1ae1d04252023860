"""Certificates verify only as issued: a changed certificate row, another key or an anchor
that is not the unit's event make them invalid; data wipes are refused clearly."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.custody.certificate_rules import CertificateFacts, CertificateKind, certificate_message
from ewaste.custody.models import Certificate
from ewaste.custody.public import check_certificate
from ewaste.custody.repository import ReservationRepository
from ewaste.identity import MissingPermission
from ewaste.kernel.errors import InvalidInput
from tests.certificates import certify
from tests.certificates import wipe as signed_wipe
from tests.conftest import T0
from tests.factories import World, build_world
from tests.integration.compliance.claim_helpers import dismantled_unit, received_unit

SIGNER = custody.load_signer("", env="test")
OTHER_KEY = custody.Signer.from_seed(bytes(32)).public_key


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def _verify(session: Session, code: str, key: custody.PublicKey = SIGNER.public_key) -> str:
    session.expire_all()
    check, _ = custody.verify_certificate(session, certificate_code=code, public_key=key)
    return check.problem


def test_a_changed_certificate_or_another_key_does_not_verify(
    session: Session, world: World
) -> None:
    code = dismantled_unit(session, world, "tv_flat", T0)
    certificate = certify(session, actor=world.household_a, unit_code=code, signer=SIGNER, now=T0)
    assert _verify(session, certificate.code) == ""
    assert _verify(session, certificate.code, OTHER_KEY) == "signature"
    # The table is append-only; an attacker with database access lifts the guard first.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE certificate DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER certificate_no_update"))
    session.execute(
        text("UPDATE certificate SET issuer_id = :other WHERE code = :code"),
        {"other": world.plant_b.organisation_id, "code": certificate.code},
    )
    assert _verify(session, certificate.code) == "signature"


def test_a_certificate_anchored_on_another_units_event_does_not_verify(
    session: Session, world: World
) -> None:
    mine = dismantled_unit(session, world, "tv_flat", T0)
    theirs = dismantled_unit(session, world, "tv_flat", T0)
    certificate = certify(session, actor=world.household_a, unit_code=mine, signer=SIGNER, now=T0)
    other = certify(session, actor=world.household_a, unit_code=theirs, signer=SIGNER, now=T0)
    unit = custody.units_by_codes(session, [mine])[0]
    fake = Certificate(
        **{
            c.name: getattr(certificate, c.name)
            for c in Certificate.__table__.columns
            if c.name not in {"id"}
        }
    )
    fake.anchor_chain_seq, fake.anchor_hash = other.anchor_chain_seq, other.anchor_hash

    facts = CertificateFacts(
        code=fake.code,
        kind=CertificateKind.RECYCLING,
        unit_code=mine,
        category_code=unit.category_code,
        issued_at=fake.issued_at,
        issuer_id=fake.issuer_id,
        anchor_chain_seq=fake.anchor_chain_seq,
        anchor_hash=fake.anchor_hash,
        performed_at=fake.performed_at,
    )
    fake.signature = SIGNER.sign(certificate_message(facts, key_id=fake.key_id))
    stored = ReservationRepository(session).unit_by_id(unit.id)
    assert stored is not None
    assert check_certificate(session, fake, unit=stored, public_key=SIGNER.public_key).problem == (
        "anchor_missing"
    )
    fake.anchor_chain_seq = 10**9
    facts = replace(facts, anchor_chain_seq=10**9)
    fake.signature = SIGNER.sign(certificate_message(facts, key_id=fake.key_id))
    assert check_certificate(session, fake, unit=stored, public_key=SIGNER.public_key).problem == (
        "anchor_missing"
    )
    session.expunge_all()


def test_data_wipes_are_refused_clearly_and_change_nothing(session: Session, world: World) -> None:
    phone = received_unit(session, world, "mobile_phone", T0, grams=180)
    later = T0 + timedelta(hours=1)

    def wipe(**changes: object) -> Certificate:
        values: dict[str, object] = {
            "actor": world.plant_a,
            "unit_code": phone,
            "method": "overwrite",
            "operator_ref": "WS-3",
            "wiped_at": later,
            "now": later,
        }
        values.update(changes)
        return signed_wipe(session, signer=SIGNER, **values)

    with pytest.raises(MissingPermission):
        wipe(actor=world.collector_a)
    with pytest.raises(custody.UnitNotFound):
        wipe(actor=world.plant_b)
    with pytest.raises(custody.WrongHolder):
        wipe(actor=world.station_a)  # it handled the phone but no longer holds it
    with pytest.raises(InvalidInput):
        wipe(method="microwave")
    with pytest.raises(InvalidInput):
        wipe(operator_ref="   ")
    assert (
        custody.lookup_receipt(
            session,
            receipt_code=custody.receipt_code_of(session, actor=world.household_a, unit_code=phone),
            public_key=SIGNER.public_key,
        ).certificates
        == ()
    )
    done = wipe()
    assert done.kind == "data_wipe"


def test_the_receipt_code_is_the_households_and_the_auditors_only(
    session: Session, world: World
) -> None:
    code = dismantled_unit(session, world, "tv_flat", T0)
    receipt = custody.receipt_code_of(session, actor=world.household_a, unit_code=code)
    assert custody.receipt_code_of(session, actor=world.regulator, unit_code=code) == receipt
    for actor in (world.collector_a, world.plant_a, world.household_b):
        with pytest.raises(custody.UnitNotFound):
            custody.receipt_code_of(session, actor=actor, unit_code=code)
    with pytest.raises(custody.ReceiptNotFound):
        custody.lookup_receipt(session, receipt_code="not a code", public_key=SIGNER.public_key)
    with pytest.raises(custody.CertificateNotFound):
        custody.verify_certificate(session, certificate_code="CT", public_key=SIGNER.public_key)
