"""Ed25519 keys for custody checkpoints: load the private key, sign, verify with the public one.

The private key comes from `EWASTE_CUSTODY_SIGNING_KEY`: the path of a PEM file (PKCS #8,
as `openssl genpkey -algorithm ed25519` writes it) or the base64 of a 32-byte seed. When
it is empty outside production, a fixed development key is used and a warning logged:
anybody can sign with that key, so its checkpoints prove nothing (refused in production).
Processes that only verify take the public key alone (`EWASTE_CUSTODY_PUBLIC_KEY`,
`trusted_key`): in production only the worker, which signs, holds the private key. The
public key is published as base64 of its 32 raw bytes; its key id is the first 16 hex
digits of the SHA-256 of those bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

logger = logging.getLogger(__name__)

_DEVELOPMENT_SEED: Final = hashlib.sha256(
    b"ewaste development custody signing key - public, never for production"
).digest()


class InvalidSigningKey(ValueError):
    """The configured signing key is neither a readable Ed25519 PEM file nor a base64 seed."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A published Ed25519 public key that checks checkpoint signatures."""

    raw: bytes

    @property
    def base64(self) -> str:
        """The 32 raw bytes in base64, as published by the API and the CLI."""
        return base64.b64encode(self.raw).decode()

    @property
    def key_id(self) -> str:
        """A short name for the key: 16 hex digits of its SHA-256."""
        return hashlib.sha256(self.raw).hexdigest()[:16]

    def verifies(self, message: bytes, signature_hex: str) -> bool:
        """True when `signature_hex` is this key's Ed25519 signature of `message`."""
        return _verifies(self.raw, message, signature_hex)

    @classmethod
    def from_base64(cls, text: str) -> PublicKey:
        """A public key from its published base64 form; InvalidSigningKey if malformed."""
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error as error:
            raise InvalidSigningKey("public key is not base64") from error
        if len(raw) != 32:
            raise InvalidSigningKey("an Ed25519 public key has 32 bytes")
        return cls(raw)


@lru_cache(maxsize=65_536)
def _verifies(raw: bytes, message: bytes, signature_hex: str) -> bool:
    # A pure function of its arguments, so remembered: an operator page or a test that
    # verifies again and again checks each unchanged checkpoint once.
    try:
        signature = bytes.fromhex(signature_hex)
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


class Signer:
    """Signs checkpoint messages with the platform's Ed25519 private key."""

    __slots__ = ("_key", "development", "public_key")

    def __init__(self, key: Ed25519PrivateKey, *, development: bool = False) -> None:
        self._key = key
        self.development = development
        self.public_key = PublicKey(
            key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def sign(self, message: bytes) -> str:
        """The Ed25519 signature of `message`, in hex."""
        return self._key.sign(message).hex()

    @classmethod
    def from_seed(cls, seed: bytes, *, development: bool = False) -> Signer:
        """A signer from a 32-byte seed."""
        return cls(Ed25519PrivateKey.from_private_bytes(seed), development=development)


def trusted_key(public_setting: str, signing_setting: str, *, env: str) -> PublicKey:
    """The public key verifiers trust: `EWASTE_CUSTODY_PUBLIC_KEY` (base64) when set, else
    the public half of `EWASTE_CUSTODY_SIGNING_KEY` (`load_signer`'s rules). A process that
    only verifies — the web — needs no private key. Raises InvalidSigningKey."""
    if public_setting.strip():
        return PublicKey.from_base64(public_setting.strip())
    return load_signer(signing_setting, env=env).public_key


def load_signer(setting: str, *, env: str) -> Signer:
    """The signer for the `EWASTE_CUSTODY_SIGNING_KEY` value (a PEM path or a base64 seed).

    Empty: the public development key, with a warning, unless `env` is production
    (then InvalidSigningKey). Raises InvalidSigningKey for anything unreadable.
    """
    value = setting.strip()
    if not value:
        if env == "production":
            raise InvalidSigningKey("EWASTE_CUSTODY_SIGNING_KEY must be set in production")
        logger.warning(
            "EWASTE_CUSTODY_SIGNING_KEY is not set: custody checkpoints are signed with the "
            "public development key and prove nothing"
        )
        return Signer.from_seed(_DEVELOPMENT_SEED, development=True)
    path = Path(value)
    if path.is_file():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as error:
            raise InvalidSigningKey(f"{path} is not an unencrypted PEM private key") from error
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidSigningKey(f"{path} does not hold an Ed25519 key")
        return Signer(key)
    try:
        seed = base64.b64decode(value, validate=True)
    except binascii.Error as error:
        raise InvalidSigningKey("neither an existing PEM file nor a base64 seed") from error
    if len(seed) != 32:
        raise InvalidSigningKey("an Ed25519 seed has 32 bytes (44 characters of base64)")
    return Signer.from_seed(seed)
