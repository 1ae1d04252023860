"""Offline records synced later: their kinds, their digest, and the sync's own errors.

Pure: no database, no framework (ADR 0016).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, InvalidInput

MAX_RECORDS: Final = 200
"""At most this many records in one sync batch."""
CLOCK_SKEW: Final = timedelta(minutes=5)
"""How far ahead of the server clock a device time may be before it is refused."""


class RecordKind(StrEnum):
    """What happened offline."""

    COLLECT = "collect"
    """A collector weighed and tagged a pickup's units at the door with reserved codes."""
    DELIVER = "deliver"
    """A station received a collector's units by scan."""


class RecordStatus(StrEnum):
    """The outcome of one record in a sync batch."""

    APPLIED = "applied"
    ALREADY_SYNCED = "already_synced"
    """The same record (same id, same content) was applied by an earlier sync: nothing done."""
    REFUSED = "refused"


class RecordIdReused(Conflict):
    """A record id already synced with a different content."""

    code = "fieldsync.record_id_reused"
    message = "Record {record_id!r} was already synced with a different content."


class DeviceTimeInFuture(InvalidInput):
    """A device time ahead of the server clock (beyond the allowed skew)."""

    code = "fieldsync.device_time_in_future"
    message = "Record {record_id!r} is dated {at}, in the future."


class TooManyRecords(InvalidInput):
    """A sync batch that is empty or larger than MAX_RECORDS."""

    code = "fieldsync.too_many_records"
    message = "A sync batch holds 1 to {maximum} records, not {count}."


@dataclass(frozen=True, slots=True)
class DoorTag:
    """One unit tagged at the door: the reserved code stuck on it, its category, its mass."""

    code: str
    category_code: str
    grams: int


@dataclass(frozen=True, slots=True)
class OfflineRecord:
    """One thing done without signal, with the device's id for it and its device time.

    COLLECT: `pickup_id`, `tags`, `evidence`. DELIVER: `collector_id`, `unit_codes`.
    """

    record_id: str
    kind: RecordKind
    device_at: datetime
    pickup_id: int | None = None
    tags: tuple[DoorTag, ...] = ()
    evidence: str = ""
    collector_id: int | None = None
    unit_codes: tuple[str, ...] = ()


def record_digest(record: OfflineRecord) -> str:
    """SHA-256 (hex) of the record's content: a re-sent record must have the same digest."""
    content = {
        "kind": record.kind.value,
        "device_at": record.device_at.isoformat(),
        "pickup_id": record.pickup_id,
        "tags": [[t.code, t.category_code, t.grams] for t in record.tags],
        "evidence": record.evidence,
        "collector_id": record.collector_id,
        "unit_codes": list(record.unit_codes),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def check_batch(records_count: int) -> None:
    """Refuse (TooManyRecords) an empty batch or one over MAX_RECORDS."""
    if not 1 <= records_count <= MAX_RECORDS:
        raise TooManyRecords(count=records_count, maximum=MAX_RECORDS)


def check_device_time(record: OfflineRecord, *, now: datetime) -> None:
    """Refuse (DeviceTimeInFuture) a record dated after now plus CLOCK_SKEW."""
    if record.device_at > now + CLOCK_SKEW:
        raise DeviceTimeInFuture(record_id=record.record_id, at=record.device_at.isoformat())


def apply_order(records: list[OfflineRecord]) -> list[int]:
    """The indexes of `records` in the order they are applied: by device time, then as sent."""
    return sorted(range(len(records)), key=lambda i: (records[i].device_at, i))
