"""Reserved unit codes and the offline sync: unguessable codes reserved per organisation,
tags at the door with them at the device time, refusals per record (duplicates, codes not
reserved, out-of-order handovers) that change nothing, and an idempotent re-sent batch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste import custody, fieldsync, ledger, orders
from ewaste.custody.models import CustodyEvent, Unit
from ewaste.identity import MissingPermission
from ewaste.kernel.quantities import Mass
from tests.conftest import T0
from tests.factories import World, assign_to, book, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def _assigned_pickup(session: Session, world: World) -> orders.PickupView:
    pickup = book(session, world.household_a, now=T0)
    return assign_to(session, world, pickup.id, world.collector_a, now=T0)


def _collect(
    record_id: str, pickup_id: int, code: str, *, minutes: int = 60
) -> fieldsync.OfflineRecord:
    return fieldsync.OfflineRecord(
        record_id=record_id,
        kind=fieldsync.RecordKind.COLLECT,
        device_at=T0 + timedelta(minutes=minutes),
        pickup_id=pickup_id,
        tags=(fieldsync.DoorTag(code, "tv_flat", 10_400),),
        evidence="photo:door-1",
    )


def _deliver(
    record_id: str, collector_id: int, code: str, *, minutes: int
) -> fieldsync.OfflineRecord:
    return fieldsync.OfflineRecord(
        record_id=record_id,
        kind=fieldsync.RecordKind.DELIVER,
        device_at=T0 + timedelta(minutes=minutes),
        collector_id=collector_id,
        unit_codes=(code,),
    )


def _events(session: Session) -> int:
    return int(session.execute(select(func.count(CustodyEvent.id))).scalar_one())


def test_reserved_codes_are_fresh_unguessable_and_belong_to_the_organisation(
    session: Session, world: World
) -> None:
    block = custody.reserve_unit_codes(session, actor=world.collector_a, count=30, now=T0)
    assert len(set(block.codes)) == 30
    assert all(custody.parse_unit_code(c) == c for c in block.codes)
    assert block.expires_at == T0 + timedelta(days=30)
    again = custody.code_block(session, actor=world.collector_a, block_id=block.id)
    assert again.codes == block.codes
    with pytest.raises(custody.BlockNotFound):
        custody.code_block(session, actor=world.collector_b, block_id=block.id)
    with pytest.raises(MissingPermission):
        custody.reserve_unit_codes(session, actor=world.station_a, count=3, now=T0)
    with pytest.raises(custody.InvalidBlockSize):
        custody.reserve_unit_codes(session, actor=world.collector_a, count=501, now=T0)
    rows = custody.code_blocks(session, actor=world.collector_a)
    assert [(r.id, r.size, r.used) for r in rows] == [(block.id, 30, 0)]
    pdf = custody.label_sheet_pdf(block.codes, block_id=block.id, expires_at=block.expires_at)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") == 2


def test_offline_tags_and_deliveries_apply_in_device_time_order_and_resending_is_idempotent(
    session: Session, world: World
) -> None:
    pickup = _assigned_pickup(session, world)
    code = custody.reserve_unit_codes(session, actor=world.collector_a, count=2, now=T0).codes[0]
    household_before = ledger.balance(
        session, ledger.Accounts.party(world.household_a.organisation_id)
    )

    results = fieldsync.sync_records(
        session,
        actor=world.collector_a,
        records=[_collect("door-1", pickup.id, code, minutes=70)],
        now=T0 + timedelta(hours=5),
    )
    assert [(r.status, r.unit_codes) for r in results] == [
        (fieldsync.RecordStatus.APPLIED, (code,))
    ]
    unit = session.scalars(select(Unit).where(Unit.code == code)).one()
    assert unit.tagged_at == T0 + timedelta(minutes=70)  # the device's time, not the sync's
    assert orders.pickup_by_id(session, pickup.id).status == "collected"  # type: ignore[union-attr]
    assert (
        ledger.balance(session, ledger.Accounts.party(world.household_a.organisation_id))
        > household_before
    )

    events = _events(session)
    again = fieldsync.sync_records(
        session,
        actor=world.collector_a,
        records=[_collect("door-1", pickup.id, code, minutes=70)],
        now=T0 + timedelta(hours=6),
    )
    assert again[0].status is fieldsync.RecordStatus.ALREADY_SYNCED
    assert again[0].unit_codes == (code,)
    assert _events(session) == events

    reused = fieldsync.sync_records(
        session,
        actor=world.collector_a,
        records=[_collect("door-1", pickup.id, code, minutes=71)],
        now=T0 + timedelta(hours=6),
    )
    assert reused[0].code == "fieldsync.record_id_reused"

    # The station was offline too: a reception dated before the tag is out of order, one
    # after it applies; both are in one batch, applied in device-time order.
    collector = world.collector_a.organisation_id
    station_results = fieldsync.sync_records(
        session,
        actor=world.station_a,
        records=[
            _deliver("st-2", collector, code, minutes=90),
            _deliver("st-1", collector, code, minutes=60),
        ],
        now=T0 + timedelta(hours=6),
    )
    assert [(r.record_id, r.status, r.code) for r in station_results] == [
        ("st-2", fieldsync.RecordStatus.APPLIED, ""),
        ("st-1", fieldsync.RecordStatus.REFUSED, "custody.handover_out_of_order"),
    ]


def test_refused_records_change_nothing_and_the_rest_still_apply(
    session: Session, world: World
) -> None:
    first, second = _assigned_pickup(session, world), _assigned_pickup(session, world)
    mine = custody.reserve_unit_codes(session, actor=world.collector_a, count=3, now=T0).codes
    theirs = custody.reserve_unit_codes(session, actor=world.collector_b, count=1, now=T0).codes
    events = _events(session)
    results = fieldsync.sync_records(
        session,
        actor=world.collector_a,
        records=[
            _collect("a", first.id, theirs[0]),  # another organisation's code
            _collect("b", first.id, "EWZZZZZZZZZZZZ"),  # never reserved
            _collect("c", first.id, mine[2], minutes=40 * 24 * 60),  # after the block expired
            _collect("d", first.id, mine[0], minutes=1000 * 24 * 60),  # in the future
            _collect("e", first.id, mine[0]),
            _collect("f", second.id, mine[0], minutes=61),  # the same code again: used
            _collect("g", second.id, mine[1], minutes=62),
            _deliver("h", world.collector_a.organisation_id, mine[0], minutes=63),  # no station
        ],
        now=T0 + timedelta(days=45),
    )
    assert [(r.record_id, r.code or r.status.value) for r in results] == [
        ("a", "custody.code_not_reserved"),
        ("b", "custody.code_not_reserved"),
        ("c", "custody.code_reservation_expired"),
        ("d", "fieldsync.device_time_in_future"),
        ("e", "applied"),
        ("f", "custody.unit_code_used"),
        ("g", "applied"),
        ("h", "identity.missing_permission"),
    ]
    assert _events(session) == events + 2
    assert orders.pickup_by_id(session, second.id).status == "collected"  # type: ignore[union-attr]


def test_a_delivery_from_a_collector_who_does_not_hold_the_unit_is_refused(
    session: Session, world: World
) -> None:
    pickup = _assigned_pickup(session, world)
    code = custody.reserve_unit_codes(session, actor=world.collector_a, count=1, now=T0).codes[0]
    fieldsync.sync_records(
        session,
        actor=world.collector_a,
        records=[_collect("x", pickup.id, code)],
        now=T0 + timedelta(hours=2),
    )
    events = _events(session)
    results = fieldsync.sync_records(
        session,
        actor=world.station_a,
        records=[_deliver("y", world.collector_b.organisation_id, code, minutes=90)],
        now=T0 + timedelta(hours=2),
    )
    assert results[0].code == "custody.wrong_holder"
    assert _events(session) == events


def test_a_batch_is_one_to_two_hundred_records(session: Session, world: World) -> None:
    with pytest.raises(fieldsync.TooManyRecords):
        fieldsync.sync_records(session, actor=world.collector_a, records=[], now=T0)


def test_online_codes_never_collide_with_reserved_ones_and_a_reserved_code_tags_online(
    session: Session, world: World
) -> None:
    block = custody.reserve_unit_codes(session, actor=world.collector_a, count=5, now=T0)
    pickup = _assigned_pickup(session, world)
    done = orders.collect_pickup(
        session,
        actor=world.collector_a,
        pickup_id=pickup.id,
        units=[orders.DoorUnit("tv_flat", Mass(10_000), code=block.codes[2])],
        now=T0 + timedelta(hours=1),
    )
    assert done.unit_codes == (block.codes[2],)
    assert [r.used for r in custody.code_blocks(session, actor=world.collector_a)] == [1]
