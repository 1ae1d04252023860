"""The pure rules of key rotation and revocation: which keys a verifier trusts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ewaste.custody.key_rules import (
    KeyRecord,
    KeyStatus,
    RevocationRecord,
    build_key_ring,
    revocation_message,
    rotation_message,
)
from ewaste.custody.signing import Signer

T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
A, B, C, X = (Signer.from_seed(bytes([n]) * 32) for n in (1, 2, 3, 4))


def _first(key: Signer, at: datetime = T) -> KeyRecord:
    public = key.public_key
    message = rotation_message(None, "", public.key_id, public.base64, at)
    return KeyRecord(public.key_id, public.base64, at, None, "", key.sign(message))


def _rotation(old: Signer, new: Signer, at: datetime, *, forged: bool = False) -> KeyRecord:
    o, n = old.public_key, new.public_key
    message = rotation_message(o.key_id, o.base64, n.key_id, n.base64, at)
    previous = X.sign(message) if forged else old.sign(message)
    return KeyRecord(n.key_id, n.base64, at, o.key_id, previous, new.sign(message))


def _revocation(key: Signer, by: Signer, at: datetime = T) -> RevocationRecord:
    kid, sid = key.public_key.key_id, by.public_key.key_id
    return RevocationRecord(kid, at, "leak", sid, by.sign(revocation_message(kid, at, "leak", sid)))


def test_the_messages_are_frozen() -> None:
    assert rotation_message("ab", "AB=", "cd", "CD=", T) == (
        b"ewaste.custody.key.v1|2:ab|3:AB=|2:cd|3:CD=|1795485600000000"
    )
    assert rotation_message(None, "", "cd", "CD=", T).startswith(b"ewaste.custody.key.v1|-|0:|")
    assert revocation_message("ab", T, "x|y", "cd") == (
        b"ewaste.custody.revocation.v1|2:ab|1795485600000000|3:x|y|2:cd"
    )


def test_rotations_link_keys_both_ways_and_the_newest_is_current() -> None:
    records = [_first(A), _rotation(A, B, T + timedelta(1)), _rotation(B, C, T + timedelta(2))]
    for pinned in (A, B, C):
        ring = build_key_ring(pinned.public_key, records, [])
        assert set(ring.keys) == {k.public_key.key_id for k in (A, B, C)}
        assert ring.current == C.public_key.key_id
        assert ring.status(A.public_key.key_id) is KeyStatus.RETIRED
        assert ring.status(C.public_key.key_id) is KeyStatus.CURRENT
        assert ring.status(X.public_key.key_id) is KeyStatus.UNKNOWN


def test_nothing_registered_the_pinned_key_alone_is_trusted_and_current() -> None:
    ring = build_key_ring(A.public_key, [], [])
    assert (list(ring.keys), ring.current) == ([A.public_key.key_id], A.public_key.key_id)


def test_rows_that_do_not_verify_link_nothing() -> None:
    bad_base64 = KeyRecord("0" * 16, "not base64!", T, A.public_key.key_id, "", "")
    wrong_id = KeyRecord("f" * 16, B.public_key.base64, T, A.public_key.key_id, "", "")
    orphan = _rotation(X, C, T)  # its previous key is not registered
    records = [_first(A), bad_base64, wrong_id, orphan, _rotation(A, B, T, forged=True)]
    ring = build_key_ring(A.public_key, records, [])
    assert list(ring.keys) == [A.public_key.key_id]


def test_a_key_rotated_twice_makes_the_later_rotation_current() -> None:
    records = [_first(A), _rotation(A, B, T + timedelta(1)), _rotation(A, C, T + timedelta(2))]
    ring = build_key_ring(A.public_key, records, [])
    assert ring.current == C.public_key.key_id


def test_only_a_revocation_by_another_trusted_key_counts() -> None:
    records = [_first(A), _rotation(A, B, T + timedelta(1))]
    forged = _revocation(A, B)
    forged = RevocationRecord(
        forged.key_id, forged.revoked_at, "other", forged.signed_by, forged.signature
    )
    revocations = [
        _revocation(A, A),  # by itself
        _revocation(A, X),  # by an unknown key
        _revocation(X, B),  # of an unknown key
        forged,  # the reason changed after signing
    ]
    ring = build_key_ring(B.public_key, records, revocations)
    assert ring.revoked == {}
    ring = build_key_ring(
        B.public_key, records, [*revocations, _revocation(A, B, T + timedelta(3))]
    )
    assert ring.revoked == {A.public_key.key_id: T + timedelta(3)}
    assert ring.status(A.public_key.key_id) is KeyStatus.REVOKED


def test_judging_a_signature() -> None:
    records = [_first(A), _rotation(A, B, T + timedelta(1))]
    ring = build_key_ring(B.public_key, records, [_revocation(A, B, T + timedelta(3))])
    a = A.public_key.key_id
    assert ring.judge(a, b"m", A.sign(b"m"), T + timedelta(2)) == ""  # before the revocation
    assert ring.judge(a, b"m", A.sign(b"m"), T + timedelta(3)) == "revoked_key"
    assert ring.judge(a, b"m", A.sign(b"other"), T) == "bad_signature"
    assert ring.judge(X.public_key.key_id, b"m", X.sign(b"m"), T) == "unknown_key"
