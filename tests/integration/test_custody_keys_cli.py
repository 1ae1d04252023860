"""`ewaste custody correct|rotate-key|revoke-key|keys|verify` end to end, on a SQLite file of
their own (the commands commit)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from ewaste import custody
from ewaste.cli.db import upgrade_to_head
from ewaste.custody.models import CustodyEvent
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from tests.conftest import T0
from tests.factories import book, build_world, collect

pytestmark = pytest.mark.skipif(
    "EWASTE_TEST_DATABASE_URL" in os.environ, reason="drives its own SQLite file"
)

Run = Callable[..., subprocess.CompletedProcess[str]]


def _cli(url: str, key: str) -> Run:
    def ewaste(*args: str, key: str = key) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "EWASTE_DATABASE_URL": url, "EWASTE_ENV": "test"}
        env["EWASTE_SECRET_KEY"] = "test-secret-key-0123456789"
        env["EWASTE_CUSTODY_SIGNING_KEY"] = key
        return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
            [sys.executable, "-m", "ewaste.cli", "custody", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return ewaste


def test_correct_rotate_revoke_and_verify_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'custody.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        world = build_world(session, now=T0)
        collect(session, world, book(session, world.household_a, now=T0), now=T0)
        collector_user = world.collector_a.user_id
        first_event = session.scalars(select(CustodyEvent.id).order_by(CustodyEvent.id)).first()
    old_seed = base64.b64encode(bytes(range(32))).decode()
    new_pem = tmp_path / "new.pem"
    new_key = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    new_pem.write_bytes(
        new_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    old_id = custody.Signer.from_seed(bytes(range(32))).public_key.key_id
    new_id = custody.Signer.from_seed(bytes(range(1, 33))).public_key.key_id
    ewaste = _cli(url, old_seed)

    corrected = ewaste(
        "correct", str(first_event), "--user-id", str(collector_user),
        "--reason", "scale not zeroed", "--grams", "6400",
    )  # fmt: skip
    assert corrected.returncode == 0, corrected.stderr
    assert f"corrects event {first_event}: 6400 g, reason: scale not zeroed" in corrected.stdout
    refused = ewaste("correct", str(first_event), "--user-id", str(collector_user), "--reason", " ")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error[invalid_input]")

    assert ewaste("checkpoint").returncode == 0
    rotated = ewaste("rotate-key", "--new-key", str(new_pem))
    assert rotated.returncode == 0, rotated.stderr
    assert f"rotated from key {old_id} to key {new_id}" in rotated.stdout
    # The old key is configured still: it may no longer sign.
    stale = ewaste("checkpoint")
    assert stale.returncode == 2
    assert "error[custody.signing_key_not_current]" in stale.stderr
    assert ewaste("rotate-key", "--new-key", "not a key").returncode == 2

    with_new = _cli(url, str(new_pem))
    corrected_again = with_new(
        "correct", str(first_event), "--user-id", str(collector_user),
        "--reason", "re-weighed", "--grams", "6450",
    )  # fmt: skip
    assert corrected_again.returncode == 0, corrected_again.stderr
    assert with_new("checkpoint").returncode == 0
    listed = with_new("keys")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[1:3] for line in listed.stdout.splitlines()] == [
        [old_id, "retired:"],
        [new_id, "current:"],
    ]
    # A verifier holding only the old public key still verifies everything.
    old_public = custody.Signer.from_seed(bytes(range(32))).public_key.base64
    verified = with_new("verify", "--json", "--public-key", old_public)
    assert verified.returncode == 0, verified.stderr
    report = json.loads(verified.stdout)
    assert report["intact"] is True
    assert [(k["key_id"], k["status"], k["checkpoints"]) for k in report["keys"]] == [
        (old_id, "retired", 1),
        (new_id, "current", 1),
    ]

    revoked = with_new("revoke-key", old_id, "--reason", "laptop lost", "--since", "2020-01-01")
    assert revoked.returncode == 0, revoked.stderr
    assert f"key {old_id} revoked from 2020-01-01T00:00:00+00:00 by key {new_id}" in revoked.stdout
    tampered = with_new("verify")
    assert tampered.returncode == 3
    assert "revoked_key" in tampered.stderr
    assert f"key {old_id} revoked: 1 checkpoints, revoked from 2020-01-01" in tampered.stderr
    again = with_new("revoke-key", old_id, "--reason", "again")
    assert (again.returncode, "custody.key_already_revoked" in again.stderr) == (2, True)
