"""Offline field records (tags at the door, receptions at a station) synced later."""

from ewaste.fieldsync.rules import (
    CLOCK_SKEW,
    MAX_RECORDS,
    DeviceTimeInFuture,
    DoorTag,
    OfflineRecord,
    RecordIdReused,
    RecordKind,
    RecordStatus,
    TooManyRecords,
)
from ewaste.fieldsync.services import RecordResult, sync_records

__all__ = [
    "CLOCK_SKEW",
    "MAX_RECORDS",
    "DeviceTimeInFuture",
    "DoorTag",
    "OfflineRecord",
    "RecordIdReused",
    "RecordKind",
    "RecordResult",
    "RecordStatus",
    "TooManyRecords",
    "sync_records",
]
