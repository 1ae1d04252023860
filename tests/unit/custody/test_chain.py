"""The custody hash chain's pure parts: canonical encoding, hashes, the checker, the due rule."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ewaste.custody.chain import (
    CHAIN_FIELDS,
    CHECKPOINT_EVERY,
    CHECKPOINT_EVERY_EVENTS,
    GENESIS_HASH,
    ChainChecker,
    ChainFault,
    ChainRow,
    FaultReason,
    canonical_bytes,
    checkpoint_is_due,
    checkpoint_message,
    epoch_micros,
    event_hash,
)

T = datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=UTC)

FIELDS = (
    1,
    7,
    3,
    1,
    "unit:collect:door",
    10,
    11,
    T,
    22.5,
    114.05,
    4200,
    "photo:1",
    "pickup:9",
    5,
    None,
)

# The hash of FIELDS after GENESIS_HASH: changing it breaks every stored chain.
GOLDEN = "c9f847985454d3c459cb62250981ac19f82fb44e41db337e948618777e6b2496"


def chain(n: int) -> list[ChainRow]:
    rows: list[ChainRow] = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        fields = (i, 100 + i, 3, i, "unit:collect:door", 10, 11, T, None, 1.5, i, "", "r", 5, None)
        digest = event_hash(fields, prev)
        rows.append((*fields, prev, digest, None))
        prev = digest
    return rows


class TestEncoding:
    def test_the_version_1_encoding_is_exactly_this_line(self) -> None:
        assert canonical_bytes(FIELDS, GENESIS_HASH) == (
            b"ewaste.custody.v1|1|7|3|1|17:unit:collect:door|10|11|1795485600123456"
            b"|22.5|114.05|4200|7:photo:1|8:pickup:9|5|-|" + GENESIS_HASH.encode()
        )

    def test_the_hash_is_sha256_of_the_encoding_and_is_frozen(self) -> None:
        digest = event_hash(FIELDS, GENESIS_HASH)
        assert digest == hashlib.sha256(canonical_bytes(FIELDS, GENESIS_HASH)).hexdigest()
        # A golden value: changing the encoding breaks every stored chain (docs/adr/0013).
        assert digest == event_hash(dict(zip(CHAIN_FIELDS, FIELDS, strict=True)), GENESIS_HASH)
        assert digest == GOLDEN

    def test_an_event_with_a_reason_is_encoded_with_version_2_and_without_one_is_unchanged(
        self,
    ) -> None:
        assert canonical_bytes(FIELDS, GENESIS_HASH, None) == canonical_bytes(FIELDS, GENESIS_HASH)
        assert canonical_bytes(FIELDS, GENESIS_HASH, "tare|x") == (
            b"ewaste.custody.v2|1|7|3|1|17:unit:collect:door|10|11|1795485600123456"
            b"|22.5|114.05|4200|7:photo:1|8:pickup:9|5|-|6:tare|x|" + GENESIS_HASH.encode()
        )
        assert event_hash(FIELDS, GENESIS_HASH, "") != event_hash(FIELDS, GENESIS_HASH)
        rows = chain(3)
        fields, prev = rows[1][:15], rows[1][15]
        rows[1] = (*fields, prev, event_hash(fields, prev, "why"), "why")
        rows[2] = (*rows[2][:15], rows[1][16], event_hash(rows[2][:15], rows[1][16]), None)
        assert _check(rows, {}) is None
        rows[1] = (*rows[1][:17], "why not")
        fault = _check(rows, {})
        assert fault is not None
        assert (fault.reason, fault.chain_seq) == (FaultReason.HASH_MISMATCH, 2)

    def test_texts_are_length_prefixed_so_separators_cannot_shift_fields(self) -> None:
        a = (*FIELDS[:11], "x|5:y", "z", *FIELDS[13:])
        b = (*FIELDS[:11], "x", "5:y|z", *FIELDS[13:])
        assert canonical_bytes(a, GENESIS_HASH) != canonical_bytes(b, GENESIS_HASH)

    def test_null_and_zero_differ_and_the_smallest_float_change_shows(self) -> None:
        lat_none = (*FIELDS[:8], None, *FIELDS[9:])
        lat_zero = (*FIELDS[:8], 0.0, *FIELDS[9:])
        nudged = (*FIELDS[:8], 22.500000000000004, *FIELDS[9:])
        hashes = {event_hash(f, GENESIS_HASH) for f in (FIELDS, lat_none, lat_zero, nudged)}
        assert len(hashes) == 4

    def test_the_same_instant_in_any_zone_encodes_alike_and_naive_is_refused(self) -> None:
        shenzhen = T.astimezone(timezone(timedelta(hours=8)))
        assert epoch_micros(shenzhen) == epoch_micros(T)
        with pytest.raises(ValueError, match="naive"):
            epoch_micros(T.replace(tzinfo=None))

    def test_a_correction_pointer_is_covered(self) -> None:
        corrected = (*FIELDS[:14], 6)
        assert event_hash(corrected, GENESIS_HASH) != event_hash(FIELDS, GENESIS_HASH)


class TestChecker:
    def test_an_intact_chain_fits_in_any_batching(self) -> None:
        rows = chain(10)
        checker = ChainChecker({10: (1, rows[-1][16])})
        assert checker.feed(rows[:3])
        assert checker.feed(rows[3:])
        assert checker.finish() is None
        assert (checker.count, checker.last_seq, checker.last_hash) == (10, 10, rows[-1][16])

    def test_an_empty_chain_fits(self) -> None:
        assert ChainChecker().finish() is None

    @pytest.mark.parametrize(
        ("change", "reason", "at"),
        [
            (
                lambda r: r.__setitem__(4, (*r[4][:10], 999, *r[4][11:])),
                FaultReason.HASH_MISMATCH,
                5,
            ),
            (
                lambda r: r.__setitem__(4, (*r[4][:15], "f" * 64, r[4][16])),
                FaultReason.BROKEN_LINK,
                5,
            ),
            (lambda r: r.pop(4), FaultReason.GAP, 6),
            (lambda r: r.insert(4, r[2]), FaultReason.OUT_OF_ORDER, 3),
        ],
    )
    def test_the_first_misfit_is_named(self, change: object, reason: FaultReason, at: int) -> None:
        rows = chain(8)
        change(rows)  # type: ignore[operator]
        checker = ChainChecker()
        assert not checker.feed(rows)
        fault = checker.finish()
        assert fault is not None
        assert (fault.reason, fault.chain_seq) == (reason, at)
        assert reason.value in fault.describe()
        assert not checker.feed(rows)  # stays failed

    def test_a_checkpoint_naming_another_hash_is_a_mismatch(self) -> None:
        rows = chain(5)
        fault = _check(rows, {3: (9, "0" * 64)})
        assert fault is not None
        assert (fault.reason, fault.chain_seq, fault.checkpoint_id) == (
            FaultReason.CHECKPOINT_MISMATCH,
            3,
            9,
        )

    def test_a_checkpoint_beyond_the_end_reveals_deleted_tail_events(self) -> None:
        rows = chain(5)
        fault = _check(rows[:3], {5: (2, rows[4][16])})
        assert fault is not None
        assert (fault.reason, fault.chain_seq) == (FaultReason.CHECKPOINT_BEYOND_END, 5)
        assert "checkpoint id 2" in fault.describe()


def _check(rows: list[ChainRow], anchors: dict[int, tuple[int, str]]) -> ChainFault | None:
    checker = ChainChecker(anchors)
    checker.feed(rows)
    return checker.finish()


class TestCheckpoints:
    def test_the_message_is_exactly_this_line(self) -> None:
        assert checkpoint_message(12, "ab" * 32, T, "k1") == (
            b"ewaste.custody.checkpoint.v1|12|" + b"ab" * 32 + b"|1795485600123456|2:k1"
        )

    @pytest.mark.parametrize(
        ("head", "signed", "last_at", "now", "due"),
        [
            (0, 0, None, T, False),
            (5, 5, T, T + timedelta(days=1), False),
            (1, 0, None, T, True),
            (CHECKPOINT_EVERY_EVENTS, 0, T, T, True),
            (10, 5, T, T + CHECKPOINT_EVERY - timedelta(seconds=1), False),
            (10, 5, T, T + CHECKPOINT_EVERY, True),
        ],
    )
    def test_due_after_enough_events_or_enough_time(
        self, head: int, signed: int, last_at: datetime | None, now: datetime, due: bool
    ) -> None:
        assert (
            checkpoint_is_due(
                head_seq=head, checkpointed_seq=signed, last_signed_at=last_at, now=now
            )
            is due
        )
