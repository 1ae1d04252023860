"""Pure rules of the offline sync: batch size, device times, order and digests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ewaste.fieldsync import rules

T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
RECORD = rules.OfflineRecord(
    record_id="r1",
    kind=rules.RecordKind.COLLECT,
    device_at=T,
    pickup_id=4,
    tags=(rules.DoorTag("EW0123456789AB", "tv_flat", 10_000),),
    evidence="photo:1",
)


@pytest.mark.parametrize("count", [0, rules.MAX_RECORDS + 1])
def test_a_batch_holds_one_to_two_hundred_records(count: int) -> None:
    with pytest.raises(rules.TooManyRecords):
        rules.check_batch(count)


def test_a_batch_of_one_or_two_hundred_is_fine() -> None:
    rules.check_batch(1)
    rules.check_batch(rules.MAX_RECORDS)


def test_a_device_time_may_run_five_minutes_ahead_but_no_more() -> None:
    rules.check_device_time(RECORD, now=T - rules.CLOCK_SKEW)
    with pytest.raises(rules.DeviceTimeInFuture):
        rules.check_device_time(RECORD, now=T - rules.CLOCK_SKEW - timedelta(seconds=1))


def test_records_apply_by_device_time_then_in_the_order_sent() -> None:
    late = replace(RECORD, record_id="late", device_at=T + timedelta(hours=1))
    tie = replace(RECORD, record_id="tie")
    assert rules.apply_order([late, RECORD, tie]) == [1, 2, 0]


def test_the_digest_covers_the_content_but_not_the_record_id() -> None:
    digest = rules.record_digest(RECORD)
    assert rules.record_digest(replace(RECORD, record_id="other")) == digest
    assert rules.record_digest(replace(RECORD, device_at=T + timedelta(seconds=1))) != digest
    assert rules.record_digest(replace(RECORD, tags=())) != digest
    assert rules.record_digest(replace(RECORD, unit_codes=("EW0123456789AB",))) != digest
