"""Certificates are asked for on the web and signed by the worker, the one process that
holds the signing key (docs/adr/0016): the web's request is signed by the worker's job;
a request the chain does not support — a row forged by whoever controls the web — is
refused with its reason, never signed; asking again after a refusal re-opens it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ewaste import compliance, custody
from ewaste.custody.certificate_rules import RequestEvent
from ewaste.custody.models import Certificate, CertificateRequest
from ewaste.custody.repository import ReservationRepository
from ewaste.kernel.clock import FrozenClock
from ewaste.worker import run_due_jobs
from tests.certificates import DEV_SIGNER, sign_requests
from tests.conftest import T0
from tests.factories import World, build_world
from tests.integration.compliance.claim_helpers import dismantled_unit, received_unit


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def certificates(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Certificate)) or 0


def forged(session: Session, world: World, unit_code: str, kind: str, **values: object) -> str:
    """A request row written straight into the database, as a compromised web could."""
    unit = custody.units_by_codes(session, [unit_code])[0]
    row = CertificateRequest(
        code="CT" + "7" * 16,
        kind=kind,
        unit_id=unit.id,
        issuer_id=world.plant_a.organisation_id,
        requested_by=world.household_a.user_id,
        requested_at=T0 + timedelta(hours=1),
        performed_at=values.get("performed_at"),
        method=str(values.get("method", "")),
        operator_ref=str(values.get("operator_ref", "")),
        status="requested",
        refusal="",
    )
    ReservationRepository(session).add_certificate_request(row)
    return row.code


def test_the_web_asks_and_the_worker_signs(
    session: Session, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    code = dismantled_unit(session, world, "tv_flat", clock.now())
    asked = custody.request_recycling_certificate(
        session, actor=world.household_a, unit_code=code, now=clock.now()
    )
    assert (asked.status, asked.unit_code) == ("requested", code)
    with pytest.raises(custody.CertificatePending):
        custody.verify_certificate(
            session, certificate_code=asked.code, public_key=DEV_SIGNER.public_key
        )
    again = custody.request_recycling_certificate(
        session, actor=world.household_a, unit_code=code, now=clock.now()
    )
    assert again == asked  # one request, whoever asks and however often
    session.commit()
    clock.advance(timedelta(seconds=5))
    assert run_due_jobs(session_factory, clock)["issue_certificates"] == 1
    assert run_due_jobs(session_factory, clock)["issue_certificates"] == 0
    session.expire_all()
    check, _ = custody.verify_certificate(
        session, certificate_code=asked.code, public_key=DEV_SIGNER.public_key
    )
    assert (check.valid, check.issued_at) == (True, clock.now())
    issued = custody.request_recycling_certificate(
        session, actor=world.household_a, unit_code=code, now=clock.now()
    )
    assert (issued.code, issued.status) == (asked.code, "issued")


def test_a_forged_request_for_a_unit_not_dismantled_is_refused_not_signed(
    session: Session, world: World
) -> None:
    code = received_unit(session, world, "tv_flat", T0)
    certificate_code = forged(session, world, code, "recycling")
    assert sign_requests(session, now=T0 + timedelta(hours=2)) == 1
    row = ReservationRepository(session).certificate_request_by_code(certificate_code)
    assert row is not None
    assert (row.status, row.refusal) == (
        "refused",
        "the unit's chain does not end in its dismantling",
    )
    assert certificates(session) == 0
    with pytest.raises(custody.CertificateNotFound):
        custody.verify_certificate(
            session, certificate_code=certificate_code, public_key=DEV_SIGNER.public_key
        )
    # Dismantled later, the household asks: the refused request is asked again and signed.
    compliance.record_dismantling(
        session,
        actor=world.plant_a,
        unit_code=code,
        line="L1",
        fractions={"glass": 10_000, "plastics": 10_000},
        now=T0 + timedelta(hours=3),
        evidence="cam:1",
    )
    asked = custody.request_recycling_certificate(
        session, actor=world.household_a, unit_code=code, now=T0 + timedelta(hours=4)
    )
    assert (asked.code, asked.status) == (certificate_code, "requested")
    assert sign_requests(session, now=T0 + timedelta(hours=4)) == 1
    check, _ = custody.verify_certificate(
        session, certificate_code=certificate_code, public_key=DEV_SIGNER.public_key
    )
    assert check.valid


def test_a_forged_data_wipe_by_a_plant_that_never_held_the_phone_is_refused(
    session: Session, world: World
) -> None:
    phone = received_unit(session, world, "mobile_phone", T0, side="b", grams=180)
    certificate_code = forged(
        session,
        world,
        phone,
        "data_wipe",
        performed_at=T0 + timedelta(minutes=30),
        method="overwrite",
        operator_ref="WS-1",
    )
    assert sign_requests(session, now=T0 + timedelta(hours=2)) == 1
    row = ReservationRepository(session).certificate_request_by_code(certificate_code)
    assert row is not None
    assert (row.status, row.refusal) == ("refused", "the wiper never held the unit")
    assert certificates(session) == 0


def test_a_signer_that_may_not_sign_signs_nothing(session: Session, world: World) -> None:
    code = dismantled_unit(session, world, "tv_flat", T0)
    asked = custody.request_recycling_certificate(
        session, actor=world.household_a, unit_code=code, now=T0
    )
    new = custody.Signer.from_seed(bytes(range(32)))
    custody.rotate_signing_key(session, current=DEV_SIGNER, new=new, now=T0)
    with pytest.raises(custody.SigningKeyNotCurrent):
        sign_requests(session, now=T0, signer=DEV_SIGNER)
    row = ReservationRepository(session).certificate_request_by_code(asked.code)
    assert row is not None
    assert row.status == "requested"
    assert certificates(session) == 0
    assert sign_requests(session, now=T0, signer=new) == 1
    assert certificates(session) == 1


def test_a_forged_data_wipe_by_a_collector_is_refused(session: Session, world: World) -> None:
    phone = received_unit(session, world, "mobile_phone", T0, grams=180)
    unit = custody.units_by_codes(session, [phone])[0]
    row = CertificateRequest(
        code="CT" + "8" * 16,
        kind="data_wipe",
        unit_id=unit.id,
        issuer_id=world.collector_a.organisation_id,  # it held the phone, but wipes nothing
        requested_by=world.collector_a.user_id,
        requested_at=T0 + timedelta(hours=1),
        performed_at=T0,
        method="overwrite",
        operator_ref="WS-1",
        status="requested",
        refusal="",
    )
    ReservationRepository(session).add_certificate_request(row)
    assert sign_requests(session, now=T0 + timedelta(hours=2)) == 1
    assert (row.status, row.refusal) == ("refused", "the wiper is not a plant or a station")
    assert certificates(session) == 0


def test_a_refused_data_wipe_is_recorded_again_with_the_new_facts(
    session: Session, world: World
) -> None:
    phone = received_unit(session, world, "mobile_phone", T0, grams=180)
    later = T0 + timedelta(hours=1)
    wipe = {
        "actor": world.plant_a,
        "unit_code": phone,
        "method": "overwrite",
        "operator_ref": "WS-3",
        "wiped_at": later,
        "now": later,
    }
    first = custody.record_data_wipe(session, **wipe)  # type: ignore[arg-type]
    retry = custody.record_data_wipe(session, **wipe)  # type: ignore[arg-type]
    assert retry == first  # a retry while it is being signed: the same request
    row = ReservationRepository(session).certificate_request_by_code(first.code)
    assert row is not None
    row.apply(RequestEvent.REFUSE, now=later, refusal="the wipe names no operator")
    again = custody.record_data_wipe(  # type: ignore[arg-type]
        session, **{**wipe, "method": "crypto_erase", "operator_ref": "WS-4"}
    )
    assert (again.code, again.status) == (first.code, "requested")
    assert sign_requests(session, now=later) == 1
    check, _ = custody.verify_certificate(
        session, certificate_code=first.code, public_key=DEV_SIGNER.public_key
    )
    assert (check.valid, check.method, check.operator_ref) == (True, "crypto_erase", "WS-4")
    with pytest.raises(custody.AlreadyWiped):
        custody.record_data_wipe(session, **wipe)  # type: ignore[arg-type]
