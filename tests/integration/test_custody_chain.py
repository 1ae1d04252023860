"""The tamper-evident custody log through the services: appends chain, corrections leave
originals alone, checkpoints are signed when due, verify names what does not fit."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.cli.db import upgrade_to_head
from ewaste.custody.chain import CHECKPOINT_EVERY, GENESIS_HASH, FaultReason
from ewaste.custody.models import CustodyEvent
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass
from tests.conftest import T0
from tests.factories import World, build_world

SIGNER = custody.Signer.from_seed(bytes(range(32)))


def _tag(session: Session, world: World, n: int) -> list[str]:
    return [
        custody.tag_unit(
            session,
            actor=world.collector_a,
            category_code="tv_flat",
            household_id=world.household_a.organisation_id,
            source_ref=f"pickup:{i}",
            mass=Mass(10_000 + i),
            place=GeoPoint(22.5, 114.05),
            now=T0 + timedelta(minutes=i),
        ).code
        for i in range(n)
    ]


def _deliver(session: Session, world: World, codes: list[str]) -> None:
    custody.hand_over(
        session,
        actor=world.collector_a,
        unit_codes=codes,
        handover=custody.Handover(
            kind=custody.HandoverKind.DELIVER,
            from_id=world.collector_a.organisation_id,
            to_id=world.station_a.organisation_id,
            at=T0 + timedelta(hours=2),
            place=None,
            ref="station-receipt",
        ),
    )


def _events(session: Session) -> list[CustodyEvent]:
    return list(session.scalars(select(CustodyEvent).order_by(CustodyEvent.chain_seq)))


def test_every_append_is_the_next_link_and_the_chain_verifies(session: Session) -> None:
    world = build_world(session, now=T0)
    _deliver(session, world, _tag(session, world, 3))
    events = _events(session)
    assert [e.chain_seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    report = custody.verify_chain(session, public_key=SIGNER.public_key)
    assert report.intact
    assert (report.events, report.last_chain_seq, report.last_hash) == (6, 6, events[-1].hash)


def test_a_correction_is_a_new_linked_event_and_the_original_stays_byte_identical(
    session: Session,
) -> None:
    world = build_world(session, now=T0)
    _tag(session, world, 2)
    original = _events(session)[0]
    before = (original.grams, original.hash, original.evidence)
    correction = custody.correct_event(
        session,
        actor=world.collector_a,
        event_id=original.id,
        reason="scale misread",
        mass=Mass(9_000),
        evidence="scale",
    )
    session.expire_all()
    reread = session.get(CustodyEvent, original.id)
    assert reread is not None
    assert (reread.grams, reread.hash, reread.evidence) == before
    assert correction.corrects_id == original.id
    assert (correction.grams, correction.kind, correction.seq) == (9_000, original.kind, 2)
    assert custody.verify_chain(session, public_key=SIGNER.public_key).intact
    for outsider in (world.collector_b, world.household_a, world.regulator):
        with pytest.raises(custody.EventNotFound):
            custody.correct_event(
                session, actor=outsider, event_id=original.id, reason="x", mass=Mass(1)
            )
    with pytest.raises(custody.EventNotFound):
        custody.correct_event(
            session, actor=world.collector_a, event_id=10**9, reason="x", mass=Mass(1)
        )


def test_checkpoints_are_signed_when_due_and_checked_with_the_published_key(
    session: Session,
) -> None:
    world = build_world(session, now=T0)
    assert custody.checkpoint_if_due(session, signer=SIGNER, now=T0) is None  # nothing yet
    _tag(session, world, 2)
    first = custody.checkpoint_if_due(session, signer=SIGNER, now=T0)
    assert first is not None
    assert first.last_chain_seq == 2
    assert custody.checkpoint_if_due(session, signer=SIGNER, now=T0) is None  # head signed
    _tag(session, world, 1)
    assert custody.checkpoint_if_due(session, signer=SIGNER, now=T0 + timedelta(minutes=1)) is None
    later = custody.checkpoint_if_due(session, signer=SIGNER, now=T0 + CHECKPOINT_EVERY)
    assert later is not None
    assert later.last_chain_seq == 3
    assert custody.sign_checkpoint(session, signer=SIGNER, now=T0) is None
    report = custody.verify_chain(session, public_key=SIGNER.public_key)
    assert (report.intact, report.checkpoints) == (True, 2)
    stranger = custody.Signer.from_seed(bytes(32)).public_key
    wrong = custody.verify_chain(session, public_key=stranger)
    assert wrong.fault is not None
    assert wrong.fault.reason is FaultReason.UNKNOWN_KEY


@pytest.mark.skipif("EWASTE_TEST_DATABASE_URL" in os.environ, reason="drives its own SQLite file")
def test_the_cli_verifies_signs_publishes_and_names_the_tampered_event(tmp_path: Path) -> None:
    db = tmp_path / "custody.db"
    url = f"sqlite:///{db}"
    upgrade_to_head(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        world = build_world(session, now=T0)
        _deliver(session, world, _tag(session, world, 4))
    engine.dispose()

    def ewaste(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "EWASTE_DATABASE_URL": url, "EWASTE_ENV": "test"}
        env["EWASTE_SECRET_KEY"] = "test-secret-key-0123456789"
        env.pop("EWASTE_CUSTODY_SIGNING_KEY", None)
        return subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
            [sys.executable, "-m", "ewaste.cli", "custody", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    signed = ewaste("checkpoint")
    assert signed.returncode == 0, signed.stderr
    assert "signed checkpoint of sequence 8" in signed.stdout
    published = ewaste("public-key")
    assert published.returncode == 0
    key = published.stdout.split()[0]
    intact = ewaste("verify", "--public-key", key)
    assert intact.returncode == 0, intact.stderr
    assert "custody chain intact: 8 events, 1 signed checkpoints" in intact.stdout

    with sqlite3.connect(db) as raw:  # an attacker with the database file
        raw.execute("DROP TRIGGER custody_event_no_update")
        raw.execute("UPDATE custody_event SET grams = grams + 1 WHERE chain_seq = 5")
    tampered = ewaste("verify")
    assert tampered.returncode == 3
    assert "TAMPERED: hash_mismatch at sequence 5, event id 5" in tampered.stderr
    as_json = ewaste("verify", "--json")
    assert as_json.returncode == 3
    assert '"reason": "hash_mismatch"' in as_json.stdout
    stranger = custody.Signer.from_seed(bytes(32)).public_key.base64
    # A key that no rotation links to the checkpoints' key: they are by an unknown key.
    assert "unknown_key" in ewaste("verify", "--public-key", stranger).stderr
    assert ewaste("verify", "--public-key", "xx").returncode == 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE custody_checkpoint SET last_hash = 'forged'",
        "DELETE FROM custody_checkpoint",
        "UPDATE custody_event SET hash = 'forged'",
        "UPDATE custody_event SET corrects_id = id",
    ],
)
def test_the_database_refuses_to_rewrite_checkpoints_and_chain_columns(
    session: Session, statement: str
) -> None:
    world = build_world(session, now=T0)
    _tag(session, world, 2)
    assert custody.sign_checkpoint(session, signer=SIGNER, now=T0) is not None
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(statement))
    assert custody.verify_chain(session, public_key=SIGNER.public_key).intact


def test_the_trace_reads_a_correction_in_place_of_the_event_it_corrects(
    session: Session,
) -> None:
    world = build_world(session, now=T0)
    [code] = _tag(session, world, 1)
    _deliver(session, world, [code])
    collect, deliver = _events(session)
    first = custody.correct_event(
        session, actor=world.collector_a, event_id=collect.id, reason="tare", mass=Mass(7_000)
    )
    custody.correct_event(
        session, actor=world.collector_a, event_id=first.id, reason="again", mass=Mass(7_100)
    )
    custody.correct_event(
        session,
        actor=world.station_a,
        event_id=deliver.id,
        reason="station scale",
        mass=Mass(7_050),
        evidence="scale",
    )
    trace = custody.trace_unit(session, actor=world.regulator, unit_code=code)
    assert [(s.seq, s.kind, s.grams) for s in trace.steps] == [
        (1, custody.HandoverKind.COLLECT.value, 7_100),
        (2, custody.HandoverKind.DELIVER.value, 7_050),
    ]
    assert trace.problems == ()
    assert len(_events(session)) == 5  # the originals and three corrections, all kept
    assert custody.verify_chain(session, public_key=SIGNER.public_key).intact
