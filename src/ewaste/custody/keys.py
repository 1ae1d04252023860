"""Signing keys of the custody log: rotate, revoke, list, and the key ring verifiers use.

The public keys live in the append-only `custody_signing_key` table, each rotation signed
by the old and the new key; revocations in `custody_key_revocation`, signed by another
trusted key. The private key is never stored: it is configured (EWASTE_CUSTODY_SIGNING_KEY,
a PEM file's path or a base64 seed), and only the current key may sign (docs/adr/0013).
Services: take the session first and `now`, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste.custody.key_rules import (
    REASON_MAX,
    InvalidKeyChange,
    KeyAlreadyRevoked,
    KeyRecord,
    KeyRing,
    KeyStatus,
    RevocationRecord,
    SigningKeyNotCurrent,
    SigningKeyNotFound,
    SigningKeyRevoked,
    build_key_ring,
    revocation_message,
    rotation_message,
)
from ewaste.custody.models import CustodyKeyRevocation, CustodySigningKey
from ewaste.custody.repository import CustodyRepository
from ewaste.custody.signing import PublicKey, Signer


@dataclass(frozen=True, slots=True)
class KeyUse:
    """A key as `ewaste custody verify` and the API report it."""

    key_id: str
    status: KeyStatus
    public_key: str
    """Base64 of the public key ("" for a key id no trusted key matches)."""
    checkpoints: int
    """Checkpoints that name this key."""
    activated_at: datetime | None
    revoked_at: datetime | None


def _records(repo: CustodyRepository) -> list[KeyRecord]:
    return [
        KeyRecord(
            r.key_id,
            r.public_key,
            r.activated_at,
            r.previous_key_id,
            r.previous_signature,
            r.signature,
        )
        for r in repo.signing_keys()
    ]


def key_ring(session: Session, *, pinned: PublicKey) -> KeyRing:
    """The keys a verifier who trusts `pinned` trusts (custody.key_rules.build_key_ring)."""
    repo = CustodyRepository(session)
    revocations = [
        RevocationRecord(r.key_id, r.revoked_at, r.reason, r.signed_by, r.signature)
        for r in repo.key_revocations()
    ]
    return build_key_ring(pinned, _records(repo), revocations)


def check_signer(session: Session, *, signer: Signer) -> KeyRing:
    """The key ring of the registry if `signer`'s key may sign now: the only key (nothing
    registered yet) or the current key of the rotations from the first registered key.
    Raises SigningKeyRevoked, or SigningKeyNotCurrent for a key rotated away, never
    registered, or registered without a rotation the keys before it signed."""
    records = _records(CustodyRepository(session))
    key_id = signer.public_key.key_id
    if not records:
        return key_ring(session, pinned=signer.public_key)
    first = PublicKey.from_base64(records[0].public_key)
    ring = key_ring(session, pinned=first)
    status = ring.status(key_id)
    if status is KeyStatus.REVOKED:
        raise SigningKeyRevoked(key_id=key_id)
    if status is not KeyStatus.CURRENT:
        raise SigningKeyNotCurrent(key_id=key_id, current=ring.current)
    return ring


def _register(
    repo: CustodyRepository,
    *,
    key: Signer,
    previous: Signer | None,
    now: datetime,
) -> CustodySigningKey:
    public = key.public_key
    previous_public = "" if previous is None else previous.public_key.base64
    previous_id = None if previous is None else previous.public_key.key_id
    message = rotation_message(previous_id, previous_public, public.key_id, public.base64, now)
    row = CustodySigningKey(
        key_id=public.key_id,
        public_key=public.base64,
        activated_at=now,
        previous_key_id=previous_id,
        previous_signature="" if previous is None else previous.sign(message),
        signature=key.sign(message),
    )
    repo.add_signing_key(row)
    return row


def rotate_signing_key(
    session: Session, *, current: Signer, new: Signer, now: datetime
) -> CustodySigningKey:
    """Make `new` the signing key from `now` on; `current` (the configured key) stays
    trusted for what it signed before. Registers `current` first when nothing is
    registered yet. Both keys sign the rotation. Holds the chain lock, so no checkpoint is
    signed meanwhile. Raises SigningKeyRevoked, SigningKeyNotCurrent (`current` is not the
    current key) and InvalidKeyChange (`new` was registered before). The operator then
    configures `new` as EWASTE_CUSTODY_SIGNING_KEY."""
    repo = CustodyRepository(session)
    repo.lock_chain()
    check_signer(session, signer=current)
    if new.public_key.key_id in {r.key_id for r in repo.signing_keys()} | {
        current.public_key.key_id
    }:
        raise InvalidKeyChange(
            detail=f"Key {new.public_key.key_id} was used before; rotate to a fresh key."
        )
    if not repo.signing_keys():
        _register(repo, key=current, previous=None, now=now)
    return _register(repo, key=new, previous=current, now=now)


def revoke_signing_key(
    session: Session,
    *,
    signer: Signer,
    key_id: str,
    since: datetime,
    reason: str,
    now: datetime,
) -> CustodyKeyRevocation:
    """Revoke the trusted key `key_id` from `since` on (at most `now`): what it signed from
    then is reported by verification, what it signed before still verifies. `signer` (the
    current key) signs the revocation; a key cannot revoke itself (rotate first). Raises
    SigningKeyRevoked, SigningKeyNotCurrent, SigningKeyNotFound, KeyAlreadyRevoked and
    InvalidKeyChange (own key, a time in the future, a reason empty or too long)."""
    repo = CustodyRepository(session)
    repo.lock_chain()
    ring = check_signer(session, signer=signer)
    reason = reason.strip()
    if key_id not in ring.keys:
        raise SigningKeyNotFound(key_id=key_id)
    if key_id == signer.public_key.key_id:
        raise InvalidKeyChange(
            detail="The current key cannot revoke itself: rotate to a new key, then revoke."
        )
    if ring.status(key_id) is KeyStatus.REVOKED:
        raise KeyAlreadyRevoked(key_id=key_id)
    if since > now:
        raise InvalidKeyChange(detail="A key is revoked from a time that has come.")
    if not 1 <= len(reason) <= REASON_MAX:
        raise InvalidKeyChange(detail=f"Give a reason of 1 to {REASON_MAX} characters.")
    signed_by = signer.public_key.key_id
    row = CustodyKeyRevocation(
        key_id=key_id,
        revoked_at=since,
        recorded_at=now,
        reason=reason,
        signed_by=signed_by,
        signature=signer.sign(revocation_message(key_id, since, reason, signed_by)),
    )
    repo.add_key_revocation(row)
    return row


def key_uses(session: Session, ring: KeyRing) -> Sequence[KeyUse]:
    """Every trusted key and every key id a checkpoint names, with its status and count."""
    repo = CustodyRepository(session)
    counts = repo.checkpoints_by_key()
    activated = {r.key_id: r.activated_at for r in repo.signing_keys()}
    # Registered keys in the order of their rotations, then any other key id met.
    key_ids = [k for k in activated if k in ring.keys or k in counts]
    key_ids += sorted((set(ring.keys) | set(counts)) - set(key_ids))
    return [
        KeyUse(
            key_id=key_id,
            status=ring.status(key_id),
            public_key=ring.keys[key_id].base64 if key_id in ring.keys else "",
            checkpoints=counts.get(key_id, 0),
            activated_at=activated.get(key_id),
            revoked_at=ring.revoked.get(key_id),
        )
        for key_id in key_ids
    ]
