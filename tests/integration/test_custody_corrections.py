"""Corrections of custody events (issue 7, point 2; docs/adr/0013): who may correct, the
reason, the original byte-identical, the correction in the chain, and how the trace and
the public chain point at what it corrects."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.custody.chain import CHAIN_FIELDS, event_hash
from ewaste.custody.models import CustodyEvent
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass
from tests.conftest import T0
from tests.factories import World, build_world

SIGNER = custody.Signer.from_seed(bytes(range(32)))


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def _delivered(session: Session, world: World) -> tuple[str, CustodyEvent, CustodyEvent]:
    unit = custody.tag_unit(
        session,
        actor=world.collector_a,
        category_code="tv_flat",
        household_id=world.household_a.organisation_id,
        source_ref="pickup:1",
        mass=Mass(8_000),
        place=GeoPoint(22.5, 114.0),
        now=T0,
        evidence="photo:1",
    )
    custody.hand_over(
        session,
        actor=world.collector_a,
        unit_codes=[unit.code],
        handover=custody.Handover(
            kind=custody.HandoverKind.DELIVER,
            from_id=world.collector_a.organisation_id,
            to_id=world.station_a.organisation_id,
            at=T0,
            place=None,
            ref="receipt:1",
        ),
        grams_by_code={unit.code: 7_900},
    )
    first, second = session.scalars(
        select(CustodyEvent).where(CustodyEvent.unit_id == unit.id).order_by(CustodyEvent.seq)
    ).all()
    return unit.code, first, second


def _raw(session: Session, event_id: int) -> tuple[object, ...]:
    row = session.execute(
        text("SELECT * FROM custody_event WHERE id = :id"), {"id": event_id}
    ).one()
    return tuple(row)


def test_a_party_corrects_with_a_reason_the_original_stays_and_the_chain_verifies(
    session: Session, world: World
) -> None:
    code, collect, _ = _delivered(session, world)
    custody.sign_checkpoint(session, signer=SIGNER, now=T0)
    before = _raw(session, collect.id)
    correction = custody.correct_event(
        session,
        actor=world.collector_a,
        event_id=collect.id,
        reason="  tare of the trolley not deducted ",
        mass=Mass(7_400),
    )
    assert _raw(session, collect.id) == before  # byte for byte
    assert (correction.corrects_id, correction.reason) == (
        collect.id,
        "tare of the trolley not deducted",
    )
    assert (correction.grams, correction.kind, correction.seq) == (7_400, collect.kind, 3)
    assert (correction.lat, correction.lon, correction.evidence) == (22.5, 114.0, "photo:1")
    # The reason is in the hash (version 2): without it the hash is another one.
    fields = {n: getattr(correction, n) for n in CHAIN_FIELDS}
    assert event_hash(fields, correction.prev_hash, correction.reason) == correction.hash
    assert event_hash(fields, correction.prev_hash) != correction.hash
    report = custody.verify_chain(session, public_key=SIGNER.public_key)
    assert report.intact, report.fault
    assert report.last_chain_seq == correction.chain_seq  # the correction is in the chain
    trace = custody.trace_unit(session, actor=world.regulator, unit_code=code)
    first = trace.steps[0]
    assert (first.seq, first.grams, first.event_id) == (1, 7_400, correction.id)
    assert (first.corrects_chain_seq, first.reason) == (collect.chain_seq, correction.reason)
    assert (trace.steps[1].corrects_chain_seq, trace.steps[1].reason) == (None, "")
    receipt = custody.receipt_code_of(session, actor=world.household_a, unit_code=code)
    public = custody.lookup_receipt(session, receipt_code=receipt, public_key=SIGNER.public_key)
    assert (public.steps[0].corrected, public.steps[0].corrects_chain_seq) == (
        True,
        collect.chain_seq,
    )
    assert "trolley" not in repr(public)  # the reason is free text: not on public pages


def test_who_may_correct_an_event(session: Session, world: World) -> None:
    _, collect, deliver = _delivered(session, world)
    # The collector received the first event and gave the second; the station received it.
    for actor, event in (
        (world.collector_a, collect),
        (world.collector_a, deliver),
        (world.station_a, deliver),
        (world.operator, collect),
    ):
        made = custody.correct_event(
            session, actor=actor, event_id=event.id, reason="checked", mass=Mass(1)
        )
        assert made.recorded_by == actor.user_id
    # Households (no permission), regulators and producers, another collector or a
    # station that took no part: not found, as for an id that does not exist.
    for actor, event in (
        (world.household_a, collect),
        (world.regulator, collect),
        (world.producer, collect),
        (world.collector_b, collect),
        (world.station_a, collect),
        (world.station_b, deliver),
        (world.operator, CustodyEvent(id=10**9)),
    ):
        with pytest.raises(custody.EventNotFound):
            custody.correct_event(
                session, actor=actor, event_id=event.id, reason="checked", mass=Mass(1)
            )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"reason": "   ", "mass": Mass(1)}, "Say why"),
        ({"reason": "x" * 201, "mass": Mass(1)}, "Say why"),
        ({"reason": "why"}, "changes the mass"),
        ({"reason": "why", "evidence": "e" * 201}, "at most"),
        ({"reason": "why", "ref": "r" * 61}, "at most"),
    ],
)
def test_a_refused_correction_changes_nothing(
    session: Session, world: World, arguments: dict[str, object], message: str
) -> None:
    _, collect, _ = _delivered(session, world)
    count = session.execute(text("SELECT count(*) FROM custody_event")).scalar_one()
    with pytest.raises(InvalidInput, match=message):
        custody.correct_event(
            session,
            actor=world.collector_a,
            event_id=collect.id,
            **arguments,  # type: ignore[arg-type]
        )
    assert session.execute(text("SELECT count(*) FROM custody_event")).scalar_one() == count


def test_a_correction_of_a_place_evidence_or_ref_keeps_the_rest(
    session: Session, world: World
) -> None:
    _, _, deliver = _delivered(session, world)
    made = custody.correct_event(
        session,
        actor=world.station_a,
        event_id=deliver.id,
        reason="wrong receipt",
        place=GeoPoint(22.6, 114.1),
        evidence="photo:9",
        ref="receipt:2",
    )
    assert (made.lat, made.lon, made.evidence, made.ref, made.grams) == (
        22.6,
        114.1,
        "photo:9",
        "receipt:2",
        7_900,
    )
