"""Rotation and revocation of the custody signing key (docs/adr/0013, "Key rotation"):
old checkpoints and certificates keep verifying with their old key, new ones use the new
key, only the current key signs, and a checkpoint by an unknown or revoked key is named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.custody.chain import FaultReason, checkpoint_message
from ewaste.custody.models import CustodyCheckpoint, CustodySigningKey
from ewaste.kernel.quantities import Mass
from tests.certificates import certify
from tests.conftest import T0
from tests.factories import World, build_world
from tests.integration.compliance.claim_helpers import dismantled_unit

OLD = custody.Signer.from_seed(bytes(range(32)))
NEW = custody.Signer.from_seed(bytes(range(1, 33)))
THIRD = custody.Signer.from_seed(bytes(range(2, 34)))
THIEF = custody.Signer.from_seed(bytes(range(3, 35)))


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def _tag(session: Session, world: World, n: int = 1) -> None:
    for i in range(n):
        custody.tag_unit(
            session,
            actor=world.collector_a,
            category_code="tv_flat",
            household_id=world.household_a.organisation_id,
            source_ref=f"pickup:{i}",
            mass=Mass(5_000),
            place=None,
            now=T0,
        )


def _checkpoint(session: Session, world: World, signer: custody.Signer, minutes: int) -> int:
    _tag(session, world)
    made = custody.sign_checkpoint(session, signer=signer, now=T0 + timedelta(minutes=minutes))
    assert made is not None
    assert made.key_id == signer.public_key.key_id
    return made.last_chain_seq


def _statuses(report: custody.ChainReport) -> dict[str, tuple[str, int]]:
    return {u.key_id: (u.status.value, u.checkpoints) for u in report.keys}


def test_after_a_rotation_old_checkpoints_verify_with_the_old_key_and_new_ones_use_the_new(
    session: Session, world: World
) -> None:
    _checkpoint(session, world, OLD, 1)
    row = custody.rotate_signing_key(session, current=OLD, new=NEW, now=T0 + timedelta(minutes=2))
    assert (row.previous_key_id, row.key_id) == (OLD.public_key.key_id, NEW.public_key.key_id)
    # The old key may no longer sign; the new one does.
    with pytest.raises(custody.SigningKeyNotCurrent):
        _checkpoint(session, world, OLD, 3)
    _checkpoint(session, world, NEW, 4)
    old, new = OLD.public_key.key_id, NEW.public_key.key_id
    # Whichever key of the sequence the verifier trusts, both keys' checkpoints verify.
    for pinned in (OLD.public_key, NEW.public_key):
        report = custody.verify_chain(session, public_key=pinned)
        assert report.intact, report.fault
        assert report.key_id == new
        assert _statuses(report) == {old: ("retired", 1), new: ("current", 1)}
    stranger = custody.verify_chain(session, public_key=THIEF.public_key)
    assert stranger.fault is not None
    assert stranger.fault.reason is FaultReason.UNKNOWN_KEY
    # A second rotation links the third key to both earlier ones.
    custody.rotate_signing_key(session, current=NEW, new=THIRD, now=T0 + timedelta(minutes=5))
    _checkpoint(session, world, THIRD, 6)
    report = custody.verify_chain(session, public_key=OLD.public_key)
    assert report.intact
    assert [u.status.value for u in report.keys] == ["retired", "retired", "current"]


def test_a_key_inserted_into_the_table_by_an_attacker_is_not_trusted(
    session: Session, world: World
) -> None:
    _checkpoint(session, world, OLD, 1)
    custody.rotate_signing_key(session, current=OLD, new=NEW, now=T0 + timedelta(minutes=2))
    # Somebody with database access registers their own key "rotated from" the old one,
    # signed only by themselves, and signs a checkpoint with it.
    public = THIEF.public_key
    session.add(
        CustodySigningKey(
            key_id=public.key_id,
            public_key=public.base64,
            activated_at=T0 + timedelta(minutes=3),
            previous_key_id=NEW.public_key.key_id,
            previous_signature=THIEF.sign(b"forged"),
            signature=THIEF.sign(b"forged"),
        )
    )
    _tag(session, world)
    head_seq, head_hash = custody.chain_status(session).head_seq, _head_hash(session)
    at = T0 + timedelta(minutes=4)
    message = checkpoint_message(head_seq, head_hash, at, public.key_id)
    session.add(
        CustodyCheckpoint(
            last_chain_seq=head_seq,
            last_hash=head_hash,
            signed_at=at,
            key_id=public.key_id,
            signature=THIEF.sign(message),
        )
    )
    session.flush()
    report = custody.verify_chain(session, public_key=NEW.public_key)
    assert report.fault is not None
    assert report.fault.reason is FaultReason.UNKNOWN_KEY
    assert report.fault.chain_seq == head_seq
    assert _statuses(report)[public.key_id] == ("unknown", 1)
    # The thief's key cannot sign through the service either: it is not the current key.
    with pytest.raises(custody.SigningKeyNotCurrent):
        custody.sign_checkpoint(session, signer=THIEF, now=at)


def _head_hash(session: Session) -> str:
    return str(
        session.execute(
            text("SELECT hash FROM custody_event ORDER BY chain_seq DESC LIMIT 1")
        ).scalar_one()
    )


def test_a_revoked_key_s_later_checkpoints_are_reported_and_earlier_ones_still_verify(
    session: Session, world: World
) -> None:
    _checkpoint(session, world, OLD, 1)
    custody.rotate_signing_key(session, current=OLD, new=NEW, now=T0 + timedelta(minutes=2))
    _checkpoint(session, world, NEW, 3)
    revocation = custody.revoke_signing_key(
        session,
        signer=NEW,
        key_id=OLD.public_key.key_id,
        since=T0 + timedelta(minutes=5),
        reason="laptop stolen",
        now=T0 + timedelta(minutes=6),
    )
    assert (revocation.signed_by, revocation.reason) == (NEW.public_key.key_id, "laptop stolen")
    report = custody.verify_chain(session, public_key=NEW.public_key)
    assert report.intact, report.fault  # the old key signed before it was revoked
    assert _statuses(report)[OLD.public_key.key_id] == ("revoked", 1)
    # The thief signs with the stolen old key after the revocation: reported.
    _tag(session, world)
    head_seq, head_hash = custody.chain_status(session).head_seq, _head_hash(session)
    at = T0 + timedelta(minutes=7)
    key_id = OLD.public_key.key_id
    session.add(
        CustodyCheckpoint(
            last_chain_seq=head_seq,
            last_hash=head_hash,
            signed_at=at,
            key_id=key_id,
            signature=OLD.sign(checkpoint_message(head_seq, head_hash, at, key_id)),
        )
    )
    session.flush()
    report = custody.verify_chain(session, public_key=NEW.public_key)
    assert report.fault is not None
    assert report.fault.reason is FaultReason.REVOKED_KEY
    assert "after it was revoked" in report.fault.describe()


def test_a_checkpoint_whose_signature_does_not_verify_with_its_trusted_key_is_named(
    session: Session, world: World
) -> None:
    seq = _checkpoint(session, world, OLD, 1)
    key_id = OLD.public_key.key_id
    session.add(
        CustodyCheckpoint(
            last_chain_seq=seq + 5,
            last_hash="0" * 64,
            signed_at=T0,
            key_id=key_id,
            signature=OLD.sign(b"something else"),
        )
    )
    session.flush()
    report = custody.verify_chain(session, public_key=OLD.public_key)
    assert report.fault is not None
    assert report.fault.reason is FaultReason.BAD_SIGNATURE
    assert report.fault.chain_seq == seq + 5


def test_a_revoked_key_may_not_sign_and_refusals_change_nothing(
    session: Session, world: World
) -> None:
    _checkpoint(session, world, OLD, 1)
    custody.rotate_signing_key(session, current=OLD, new=NEW, now=T0 + timedelta(minutes=2))
    old = OLD.public_key.key_id
    refusals: list[tuple[type[Exception], dict[str, object]]] = [
        (custody.InvalidKeyChange, {"key_id": NEW.public_key.key_id}),  # itself
        (custody.SigningKeyNotFound, {"key_id": THIEF.public_key.key_id}),
        (custody.InvalidKeyChange, {"key_id": old, "since": T0 + timedelta(hours=1)}),
        (custody.InvalidKeyChange, {"key_id": old, "reason": "  "}),
        (custody.InvalidKeyChange, {"key_id": old, "reason": "x" * 201}),
    ]
    for error, overrides in refusals:
        arguments: dict[str, object] = {
            "signer": NEW,
            "since": T0,
            "reason": "leaked",
            "now": T0 + timedelta(minutes=3),
            **overrides,
        }
        with pytest.raises(error):
            custody.revoke_signing_key(session, **arguments)  # type: ignore[arg-type]
    with pytest.raises(custody.SigningKeyNotCurrent):  # only the current key revokes
        custody.revoke_signing_key(
            session, signer=OLD, key_id=old, since=T0, reason="x", now=T0 + timedelta(minutes=3)
        )
    custody.revoke_signing_key(
        session, signer=NEW, key_id=old, since=T0, reason="leaked", now=T0 + timedelta(minutes=3)
    )
    with pytest.raises(custody.KeyAlreadyRevoked):
        custody.revoke_signing_key(
            session, signer=NEW, key_id=old, since=T0, reason="again", now=T0 + timedelta(minutes=4)
        )
    # Rotating to a key used before is refused; so is rotating from a revoked key.
    with pytest.raises(custody.InvalidKeyChange):
        custody.rotate_signing_key(session, current=NEW, new=OLD, now=T0 + timedelta(minutes=5))
    with pytest.raises(custody.InvalidKeyChange):
        custody.rotate_signing_key(session, current=NEW, new=NEW, now=T0 + timedelta(minutes=5))
    custody.rotate_signing_key(session, current=NEW, new=THIRD, now=T0 + timedelta(minutes=6))
    custody.revoke_signing_key(
        session, signer=THIRD, key_id=NEW.public_key.key_id, since=T0, reason="leak",
        now=T0 + timedelta(minutes=7),
    )  # fmt: skip
    with pytest.raises(custody.SigningKeyRevoked):
        custody.sign_checkpoint(session, signer=NEW, now=T0 + timedelta(minutes=8))
    # The current key of the rotations signs; the registry is checked from its first key.
    assert custody.check_signer(session, signer=THIRD).current == THIRD.public_key.key_id


def test_certificates_signed_with_an_old_key_still_verify_after_a_rotation(
    session: Session, world: World
) -> None:
    first = dismantled_unit(session, world, "tv_flat", T0)
    second = dismantled_unit(session, world, "tv_flat", T0)
    old_certificate = certify(session, actor=world.household_a, unit_code=first, signer=OLD, now=T0)
    custody.rotate_signing_key(session, current=OLD, new=NEW, now=T0 + timedelta(minutes=1))
    with pytest.raises(custody.SigningKeyNotCurrent):
        certify(session, actor=world.household_a, unit_code=second, signer=OLD, now=T0)
    new_certificate = certify(
        session, actor=world.household_a, unit_code=second, signer=NEW, now=T0
    )
    for code in (old_certificate.code, new_certificate.code):
        check, _ = custody.verify_certificate(
            session, certificate_code=code, public_key=NEW.public_key
        )
        assert (check.valid, check.problem) == (True, ""), code
    # Revoked from before the old certificate was issued: it no longer verifies.
    custody.revoke_signing_key(
        session,
        signer=NEW,
        key_id=OLD.public_key.key_id,
        since=T0 - timedelta(days=1),
        reason="leaked long ago",
        now=T0 + timedelta(minutes=2),
    )
    check, _ = custody.verify_certificate(
        session, certificate_code=old_certificate.code, public_key=NEW.public_key
    )
    assert (check.valid, check.problem) == (False, "revoked_key")


@pytest.mark.parametrize("statement", ["UPDATE {t} SET key_id = key_id", "DELETE FROM {t}"])
@pytest.mark.parametrize("table", ["certificate", "custody_signing_key", "custody_key_revocation"])
def test_certificates_and_key_records_are_append_only(
    session: Session, world: World, table: str, statement: str
) -> None:
    code = dismantled_unit(session, world, "tv_flat", T0)
    certify(session, actor=world.household_a, unit_code=code, signer=OLD, now=T0)
    custody.rotate_signing_key(session, current=OLD, new=NEW, now=T0 + timedelta(minutes=1))
    custody.revoke_signing_key(
        session,
        signer=NEW,
        key_id=OLD.public_key.key_id,
        since=T0,
        reason="test",
        now=T0 + timedelta(minutes=2),
    )
    session.flush()
    before = session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()  # noqa: S608
    assert before
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(statement.format(t=table)))
    assert session.execute(text(f"SELECT * FROM {table} ORDER BY id")).all() == before  # noqa: S608
