"""Checkpoint keys: loading from a seed or a PEM file, the development key, signatures."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ewaste.custody.signing import (
    InvalidSigningKey,
    PublicKey,
    Signer,
    load_signer,
    trusted_key,
)

SEED = bytes(range(32))


def test_a_signature_verifies_with_the_public_key_and_nothing_else() -> None:
    signer = Signer.from_seed(SEED)
    signature = signer.sign(b"checkpoint")
    assert signer.public_key.verifies(b"checkpoint", signature)
    assert not signer.public_key.verifies(b"checkpoinT", signature)
    assert not signer.public_key.verifies(b"checkpoint", "00" * 64)
    assert not signer.public_key.verifies(b"checkpoint", "not hex")
    other = Signer.from_seed(bytes(32)).public_key
    assert not other.verifies(b"checkpoint", signature)


def test_the_published_key_round_trips_and_has_a_short_id() -> None:
    key = Signer.from_seed(SEED).public_key
    assert PublicKey.from_base64(key.base64) == key
    assert len(key.key_id) == 16
    with pytest.raises(InvalidSigningKey):
        PublicKey.from_base64("***")
    with pytest.raises(InvalidSigningKey):
        PublicKey.from_base64(base64.b64encode(b"short").decode())


def test_a_base64_seed_and_a_pem_file_give_the_same_key(tmp_path: Path) -> None:
    pem = Ed25519PrivateKey.from_private_bytes(SEED).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "key.pem").write_bytes(pem)
    from_seed = load_signer(base64.b64encode(SEED).decode(), env="production")
    from_pem = load_signer(str(tmp_path / "key.pem"), env="production")
    assert from_seed.public_key == from_pem.public_key
    assert not from_pem.development


def test_unreadable_keys_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.pem").write_text("not a key")
    for value in (str(tmp_path / "bad.pem"), "!!", base64.b64encode(b"short").decode()):
        with pytest.raises(InvalidSigningKey):
            load_signer(value, env="development")


def test_no_key_means_the_development_key_with_a_warning_and_refusal_in_production(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        signer = load_signer("", env="test")
    assert signer.development
    assert "prove nothing" in caplog.text
    assert load_signer(" ", env="development").public_key == signer.public_key
    with pytest.raises(InvalidSigningKey, match="production"):
        load_signer("", env="production")


def test_a_verifier_trusts_the_configured_public_key_and_needs_no_private_key() -> None:
    signer = Signer.from_seed(bytes(range(32)))
    published = signer.public_key.base64
    seed = base64.b64encode(bytes(range(32))).decode()
    # The web in production: the public key alone, no signing key.
    assert trusted_key(published, "", env="production") == signer.public_key
    # Without it, the public half of the signing key (a worker, a development machine).
    assert trusted_key("", seed, env="production") == signer.public_key
    assert trusted_key("  ", "", env="test") == load_signer("", env="test").public_key
    with pytest.raises(InvalidSigningKey):
        trusted_key("not base64!", "", env="production")
    with pytest.raises(InvalidSigningKey):
        trusted_key("", "", env="production")
