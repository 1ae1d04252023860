"""Rotation and revocation of the custody signing key: the signed messages, which keys a
verifier trusts, and how one signature is judged (docs/adr/0013, "Key rotation").

Pure: no database, no framework. A verifier starts from one key it trusts (the configured
key, or the one given to `ewaste custody verify --public-key`) and trusts every key linked
to it by a rotation that both keys signed, in either direction: from the newest key back
to the first, or from the first forward. A key that is only *in* the table (inserted by
somebody with database access) is not linked, so what it signed is reported as signed by
an unknown key. A revocation, signed by another trusted key, withdraws a key from a moment
on: what it signed from then is reported, what it signed before still verifies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from ewaste.custody.chain import epoch_micros
from ewaste.custody.signing import InvalidSigningKey, PublicKey
from ewaste.kernel.errors import Conflict, InvalidInput, NotFound

ROTATION_PREFIX: Final = "ewaste.custody.key.v1"
REVOCATION_PREFIX: Final = "ewaste.custody.revocation.v1"
REASON_MAX: Final = 200


class KeyStatus(StrEnum):
    """What a verifier makes of a key id it meets."""

    CURRENT = "current"
    """The trusted key that signs now (the newest of the rotations)."""
    RETIRED = "retired"
    """A trusted key that a later rotation replaced: what it signed still verifies."""
    REVOKED = "revoked"
    """A trusted key withdrawn from some moment on."""
    UNKNOWN = "unknown"
    """Not linked to the trusted key: nothing it signed is accepted."""


class SigningKeyNotCurrent(Conflict):
    """The configured private key is not the current signing key (rotated away or never
    registered), so it may not sign."""

    code = "custody.signing_key_not_current"
    message = (
        "Signing key {key_id} is not the current custody signing key ({current}); "
        "configure EWASTE_CUSTODY_SIGNING_KEY with the current key."
    )


class SigningKeyRevoked(Conflict):
    """The configured private key has been revoked and may not sign."""

    code = "custody.signing_key_revoked"
    message = "Signing key {key_id} has been revoked; rotate to a new key."


class SigningKeyNotFound(NotFound):
    """No trusted signing key with this id."""

    code = "custody.signing_key_not_found"
    message = "Signing key {key_id!r} is not a trusted custody signing key."


class KeyAlreadyRevoked(Conflict):
    """The key was revoked before."""

    code = "custody.key_already_revoked"
    message = "Signing key {key_id} is already revoked."


class InvalidKeyChange(InvalidInput):
    """A rotation to a key used before, or a revocation that cannot be accepted."""

    code = "custody.invalid_key_change"
    message = "{detail}"


def rotation_message(
    previous_key_id: str | None,
    previous_public_key: str,
    key_id: str,
    public_key: str,
    activated_at: datetime,
) -> bytes:
    """The bytes both keys of a rotation sign (the first key signs it alone, with no
    previous key: `-`). Frozen like the chain's encoding."""
    previous = "-" if previous_key_id is None else f"{len(previous_key_id)}:{previous_key_id}"
    return (
        f"{ROTATION_PREFIX}|{previous}|{len(previous_public_key)}:{previous_public_key}"
        f"|{len(key_id)}:{key_id}|{len(public_key)}:{public_key}|{epoch_micros(activated_at)}"
    ).encode()


def revocation_message(key_id: str, revoked_at: datetime, reason: str, signed_by: str) -> bytes:
    """The bytes the revoking key signs. Frozen like the chain's encoding."""
    return (
        f"{REVOCATION_PREFIX}|{len(key_id)}:{key_id}|{epoch_micros(revoked_at)}"
        f"|{len(reason)}:{reason}|{len(signed_by)}:{signed_by}"
    ).encode()


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A registered key as the rules read it (the `custody_signing_key` row)."""

    key_id: str
    public_key: str
    activated_at: datetime
    previous_key_id: str | None
    previous_signature: str
    signature: str


@dataclass(frozen=True, slots=True)
class RevocationRecord:
    """A recorded revocation as the rules read it (the `custody_key_revocation` row)."""

    key_id: str
    revoked_at: datetime
    reason: str
    signed_by: str
    signature: str


def _public(record: KeyRecord) -> PublicKey | None:
    try:
        key = PublicKey.from_base64(record.public_key)
    except InvalidSigningKey:
        return None
    return key if key.key_id == record.key_id else None


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The keys a verifier trusts, which one is current, and which are revoked from when."""

    keys: Mapping[str, PublicKey]
    current: str
    revoked: Mapping[str, datetime] = field(default_factory=dict)

    def status(self, key_id: str) -> KeyStatus:
        """The key's status for this verifier."""
        if key_id not in self.keys:
            return KeyStatus.UNKNOWN
        if key_id in self.revoked:
            return KeyStatus.REVOKED
        return KeyStatus.CURRENT if key_id == self.current else KeyStatus.RETIRED

    def judge(self, key_id: str, message: bytes, signature: str, signed_at: datetime) -> str:
        """ "" when `signature` by `key_id` over `message`, made at `signed_at`, is accepted;
        otherwise why not: "unknown_key", "revoked_key" or "bad_signature"."""
        key = self.keys.get(key_id)
        if key is None:
            return "unknown_key"
        revoked_at = self.revoked.get(key_id)
        if revoked_at is not None and signed_at >= revoked_at:
            return "revoked_key"
        return "" if key.verifies(message, signature) else "bad_signature"


def build_key_ring(
    pinned: PublicKey, records: Iterable[KeyRecord], revocations: Iterable[RevocationRecord]
) -> KeyRing:
    """The keys linked to `pinned` by rotations that both their keys signed, the newest
    linked key as current, and the revocations that a trusted key other than the revoked
    one signed. Rows that do not verify are ignored (their keys stay unknown)."""
    records = list(records)
    by_id = {r.key_id: r for r in records}
    publics = {r.key_id: key for r in records if (key := _public(r)) is not None}
    links: list[tuple[str, str]] = []
    for record in records:
        new = publics.get(record.key_id)
        old = None if record.previous_key_id is None else publics.get(record.previous_key_id)
        if new is None or old is None or record.previous_key_id is None:
            continue
        message = rotation_message(
            record.previous_key_id,
            by_id[record.previous_key_id].public_key,
            record.key_id,
            record.public_key,
            record.activated_at,
        )
        if new.verifies(message, record.signature) and old.verifies(
            message, record.previous_signature
        ):
            links.append((record.previous_key_id, record.key_id))
    trusted: dict[str, PublicKey] = {pinned.key_id: pinned}
    grown = True
    while grown:
        grown = False
        for old_id, new_id in links:
            if (old_id in trusted) != (new_id in trusted):
                for key_id in (old_id, new_id):
                    trusted.setdefault(key_id, publics[key_id])
                grown = True
    replaced = {old_id for old_id, new_id in links if new_id in trusted}
    newest = [k for k in trusted if k not in replaced]
    # One newest key, unless a key was rotated twice (only its private key's holder can):
    # then the later activation. Several newest keys are all registered (linked ones are).
    current = (
        newest[0] if len(newest) == 1 else max(newest, key=lambda k: (by_id[k].activated_at, k))
    )
    revoked: dict[str, datetime] = {}
    for revocation in revocations:
        signer = trusted.get(revocation.signed_by)
        if (
            signer is None
            or revocation.key_id not in trusted
            or revocation.signed_by == revocation.key_id
        ):
            continue
        message = revocation_message(
            revocation.key_id, revocation.revoked_at, revocation.reason, revocation.signed_by
        )
        if signer.verifies(message, revocation.signature):
            revoked.setdefault(revocation.key_id, revocation.revoked_at)
    return KeyRing(trusted, current, revoked)
