"""Sync a batch of offline records: each applied in device-time order through the same
services as online, in a savepoint of its own, so a refused record changes nothing and
the others still apply; a record already synced is recognised by its id (ADR 0016)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import custody, exchange, orders
from ewaste.fieldsync.models import SyncedRecord
from ewaste.fieldsync.repository import SyncRepository
from ewaste.fieldsync.rules import (
    OfflineRecord,
    RecordIdReused,
    RecordKind,
    RecordStatus,
    apply_order,
    check_batch,
    check_device_time,
    record_digest,
)
from ewaste.identity import Actor
from ewaste.kernel.errors import DomainError
from ewaste.kernel.quantities import Mass


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What became of one record: applied, already synced, or refused with a stable code."""

    record_id: str
    status: RecordStatus
    unit_codes: tuple[str, ...] = ()
    code: str = ""
    message: str = ""


def _apply(session: Session, *, actor: Actor, record: OfflineRecord) -> tuple[str, ...]:
    if record.kind is RecordKind.COLLECT:
        for tag in record.tags:  # refuse a code not reserved by this organisation up front
            custody.check_reserved_code(session, actor=actor, code=tag.code, at=record.device_at)
        done = orders.collect_pickup(
            session,
            actor=actor,
            pickup_id=record.pickup_id or 0,
            units=[
                orders.DoorUnit(tag.category_code, Mass(tag.grams), code=tag.code)
                for tag in record.tags
            ],
            now=record.device_at,
            evidence=record.evidence,
        )
        return tuple(done.unit_codes)
    custody.check_handover_times(session, unit_codes=record.unit_codes, at=record.device_at)
    exchange.receive_at_station(
        session,
        actor=actor,
        collector_id=record.collector_id or 0,
        unit_codes=list(record.unit_codes),
        now=record.device_at,
    )
    return tuple(custody.parse_unit_code(c) for c in record.unit_codes)


def sync_records(
    session: Session, *, actor: Actor, records: Sequence[OfflineRecord], now: datetime
) -> list[RecordResult]:
    """Apply offline records in device-time order; one result per record, in the order sent.

    A COLLECT record is `orders.collect_pickup` with the reserved codes and the device
    time (the household is paid then); a DELIVER record is `exchange.receive_at_station`
    at the device time, refused when it is dated before a unit's latest event
    (custody.handover_out_of_order) or the collector does not hold a unit
    (custody.wrong_holder). Each record runs in its own savepoint: a refused record
    (any DomainError, with its code) leaves nothing behind. An applied record is
    remembered by (organisation, record id): sent again with the same content it is
    `already_synced`, with another content fieldsync.record_id_reused. Raises only
    TooManyRecords (for the whole batch). Runs inside the caller's transaction.
    """
    check_batch(len(records))
    repo = SyncRepository(session)
    results: dict[int, RecordResult] = {}
    for index in apply_order(list(records)):
        record = records[index]
        digest = record_digest(record)
        try:
            known = repo.find(actor.organisation_id, record.record_id)
            if known is not None:
                if known.digest != digest:
                    raise RecordIdReused(record_id=record.record_id)
                results[index] = RecordResult(
                    record.record_id,
                    RecordStatus.ALREADY_SYNCED,
                    tuple(known.unit_codes.split()),
                )
                continue
            check_device_time(record, now=now)
            with session.begin_nested():
                codes = _apply(session, actor=actor, record=record)
                repo.add(
                    SyncedRecord(
                        organisation_id=actor.organisation_id,
                        record_id=record.record_id,
                        kind=record.kind.value,
                        digest=digest,
                        unit_codes=" ".join(codes),
                        device_at=record.device_at,
                        synced_at=now,
                        synced_by=actor.user_id,
                    )
                )
            results[index] = RecordResult(record.record_id, RecordStatus.APPLIED, codes)
        except DomainError as error:
            results[index] = RecordResult(
                record.record_id, RecordStatus.REFUSED, code=error.code, message=error.detail
            )
    return [results[i] for i in range(len(records))]
