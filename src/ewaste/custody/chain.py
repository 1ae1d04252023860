"""The custody hash chain: canonical encoding of an event, its hash, and the pure checker.

Every custody event has a place in one global chain (`chain_seq` 1, 2, 3, ...), the hash
of the event before it (`prev_hash`, GENESIS_HASH for the first) and its own hash:

    hash = SHA-256( canonical_bytes(event fields, prev_hash) )    as 64 lowercase hex digits

The canonical encoding (version 1) is the UTF-8 encoding of one line:

    "ewaste.custody.v1|" + field + "|" + field + ... + "|" + prev_hash

with the fields in CHAIN_FIELDS order, each written as:

- an integer: its decimal digits (`-` for NULL, e.g. `corrects_id` of a plain event);
- a timestamp: integer microseconds since 1970-01-01T00:00:00Z;
- a coordinate: Python's shortest round-trip `repr` of the float (`-` for NULL);
- a text: `<length in characters>:<text>`, so no text can imitate a separator.

This function is frozen: events hashed with it must verify forever. A change of
encoding is a new version prefix, never an edit here (docs/adr/0013).

Version 2 is version 1 with the prefix "ewaste.custody.v2" and one more text field,
the correction's reason, just before prev_hash. It is used only for events that carry
a reason (corrections recorded since migration 0020); every other event keeps its
version-1 bytes, so nothing stored before changes hash.
Pure: stdlib only, no database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

ENCODING_PREFIX: Final = "ewaste.custody.v1"
ENCODING_PREFIX_V2: Final = "ewaste.custody.v2"
"""The prefix of events that carry a correction reason (version 1 plus the reason)."""
GENESIS_HASH: Final = "0" * 64
"""The `prev_hash` of the first event in the chain."""

CHAIN_FIELDS: Final = (
    "chain_seq",
    "id",
    "unit_id",
    "seq",
    "kind",
    "from_id",
    "to_id",
    "occurred_at",
    "lat",
    "lon",
    "grams",
    "evidence",
    "ref",
    "recorded_by",
    "corrects_id",
)
"""The event's columns covered by its hash, in encoding order (then prev_hash, hash)."""

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO: Final = timedelta(microseconds=1)

ChainRow = tuple[
    int,  # chain_seq
    int,  # id
    int,  # unit_id
    int,  # seq
    str,  # kind
    int,  # from_id
    int,  # to_id
    datetime,  # occurred_at
    float | None,  # lat
    float | None,  # lon
    int,  # grams
    str,  # evidence
    str,  # ref
    int,  # recorded_by
    int | None,  # corrects_id
    str,  # prev_hash
    str,  # hash
    str | None,  # reason (version 2; None for every plain event)
]
"""An event as the checker reads it: CHAIN_FIELDS, then prev_hash, hash and reason."""


def epoch_micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (naive ones are refused)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in the custody chain")
    return (moment - _EPOCH) // _MICRO


def canonical_bytes(
    fields: tuple[
        int,
        int,
        int,
        int,
        str,
        int,
        int,
        datetime,
        float | None,
        float | None,
        int,
        str,
        str,
        int,
        int | None,
    ],
    prev_hash: str,
    reason: str | None = None,
) -> bytes:
    """The byte encoding of an event's CHAIN_FIELDS values and the previous hash: version 1,
    or version 2 when the event carries a correction `reason` (not None)."""
    (
        chain_seq,
        event_id,
        unit_id,
        seq,
        kind,
        from_id,
        to_id,
        occurred_at,
        lat,
        lon,
        grams,
        evidence,
        ref,
        recorded_by,
        corrects_id,
    ) = fields
    prefix = ENCODING_PREFIX if reason is None else ENCODING_PREFIX_V2
    extra = "" if reason is None else f"|{len(reason)}:{reason}"
    return (
        f"{prefix}|{int(chain_seq)}|{int(event_id)}|{int(unit_id)}|{int(seq)}"
        f"|{len(kind)}:{kind}|{int(from_id)}|{int(to_id)}|{epoch_micros(occurred_at)}"
        f"|{'-' if lat is None else repr(float(lat))}|{'-' if lon is None else repr(float(lon))}"
        f"|{int(grams)}|{len(evidence)}:{evidence}|{len(ref)}:{ref}|{int(recorded_by)}"
        f"|{'-' if corrects_id is None else int(corrects_id)}{extra}|{prev_hash}"
    ).encode()


def event_hash(
    fields: Mapping[str, object] | tuple[object, ...], prev_hash: str, reason: str | None = None
) -> str:
    """SHA-256 (hex) of an event's canonical encoding; `fields` by name or in CHAIN_FIELDS order,
    `reason` the correction's reason (None for a plain event: version 1)."""
    values = tuple(fields[name] for name in CHAIN_FIELDS) if isinstance(fields, Mapping) else fields
    return hashlib.sha256(canonical_bytes(values, prev_hash, reason)).hexdigest()  # type: ignore[arg-type]


class FaultReason(StrEnum):
    """Why the chain stops being trustworthy at some point; stable values for machines."""

    HASH_MISMATCH = "hash_mismatch"
    """The event's fields no longer give its stored hash: it was edited."""
    BROKEN_LINK = "broken_link"
    """The event's prev_hash is not the hash of the event before it."""
    GAP = "gap"
    """Sequence numbers skip: events are missing."""
    OUT_OF_ORDER = "out_of_order"
    """A sequence number repeats or goes backwards."""
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    """A signed checkpoint names another hash for this sequence number."""
    CHECKPOINT_BEYOND_END = "checkpoint_beyond_end"
    """A signed checkpoint covers events that are no longer there."""
    BAD_SIGNATURE = "bad_signature"
    """A checkpoint's signature does not verify with the published key."""
    UNKNOWN_KEY = "unknown_key"
    """A checkpoint names a signing key that is neither the trusted key nor linked to it by
    a signed rotation (docs/adr/0013, key rotation)."""
    REVOKED_KEY = "revoked_key"
    """A checkpoint was signed by a revoked key at or after the time it was revoked from."""


@dataclass(frozen=True, slots=True)
class ChainFault:
    """The first thing that does not fit, with where it is."""

    reason: FaultReason
    detail: str
    chain_seq: int | None = None
    event_id: int | None = None
    checkpoint_id: int | None = None

    def describe(self) -> str:
        """One line for people: what, where, why."""
        where = []
        if self.chain_seq is not None:
            where.append(f"sequence {self.chain_seq}")
        if self.event_id is not None:
            where.append(f"event id {self.event_id}")
        if self.checkpoint_id is not None:
            where.append(f"checkpoint id {self.checkpoint_id}")
        return f"{self.reason.value} at {', '.join(where) or 'the chain'}: {self.detail}"


class ChainChecker:
    """Checks events fed in chain order; remembers the first fault and the head reached.

    `anchors` maps sequence numbers to the hashes that verified checkpoints sign for
    them. Feed batches with `feed` until it returns False (a fault), then call `finish`.
    """

    __slots__ = ("_anchors", "count", "fault", "last_hash", "last_seq")

    def __init__(self, anchors: Mapping[int, tuple[int, str]] | None = None) -> None:
        self._anchors: Mapping[int, tuple[int, str]] = anchors or {}
        self.count = 0
        self.last_seq = 0
        self.last_hash = GENESIS_HASH
        self.fault: ChainFault | None = None

    def feed(self, rows: Iterable[ChainRow]) -> bool:
        """Check `rows` (in chain_seq order); False as soon as one does not fit."""
        if self.fault is not None:
            return False
        sha256 = hashlib.sha256
        anchors = self._anchors
        last_seq = self.last_seq
        last_hash = self.last_hash
        count = self.count
        for row in rows:
            chain_seq = row[0]
            prev_hash = row[15]
            stored = row[16]
            if chain_seq != last_seq + 1:
                reason = FaultReason.GAP if chain_seq > last_seq + 1 else FaultReason.OUT_OF_ORDER
                self._fail(reason, row, f"expected sequence {last_seq + 1}, found {chain_seq}")
                break
            if prev_hash != last_hash:
                self._fail(
                    FaultReason.BROKEN_LINK, row, "prev_hash is not the previous event's hash"
                )
                break
            if sha256(canonical_bytes(row[:15], prev_hash, row[17])).hexdigest() != stored:
                self._fail(FaultReason.HASH_MISMATCH, row, "the fields do not give the stored hash")
                break
            anchor = anchors.get(chain_seq)
            if anchor is not None and anchor[1] != stored:
                self.fault = ChainFault(
                    FaultReason.CHECKPOINT_MISMATCH,
                    "the signed checkpoint names another hash for this event",
                    chain_seq,
                    row[1],
                    anchor[0],
                )
                break
            last_seq = chain_seq
            last_hash = stored
            count += 1
        self.last_seq = last_seq
        self.last_hash = last_hash
        self.count = count
        return self.fault is None

    def finish(self) -> ChainFault | None:
        """The first fault, including signed checkpoints beyond the last event found."""
        if self.fault is None:
            beyond = [seq for seq in self._anchors if seq > self.last_seq]
            if beyond:
                seq = min(beyond)
                self.fault = ChainFault(
                    FaultReason.CHECKPOINT_BEYOND_END,
                    f"a signed checkpoint covers sequence {seq}; the chain ends at {self.last_seq}",
                    seq,
                    None,
                    self._anchors[seq][0],
                )
        return self.fault

    def _fail(self, reason: FaultReason, row: ChainRow, detail: str) -> None:
        self.fault = ChainFault(reason, detail, row[0], row[1])


CHECKPOINT_PREFIX: Final = "ewaste.custody.checkpoint.v1"
CHECKPOINT_EVERY_EVENTS: Final = 1000
"""A checkpoint is due once this many events follow the last one..."""
CHECKPOINT_EVERY: Final = timedelta(minutes=10)
"""...or once this long has passed since it, when any event follows it."""


def checkpoint_message(
    last_chain_seq: int, last_hash: str, signed_at: datetime, key_id: str
) -> bytes:
    """The bytes a checkpoint's Ed25519 signature covers (version 1, frozen like the events')."""
    return (
        f"{CHECKPOINT_PREFIX}|{int(last_chain_seq)}|{last_hash}|{epoch_micros(signed_at)}"
        f"|{len(key_id)}:{key_id}"
    ).encode()


def checkpoint_is_due(
    *, head_seq: int, checkpointed_seq: int, last_signed_at: datetime | None, now: datetime
) -> bool:
    """True when events follow the last checkpoint and enough of them, or enough time, did."""
    behind = head_seq - checkpointed_seq
    if behind <= 0:
        return False
    if behind >= CHECKPOINT_EVERY_EVENTS or last_signed_at is None:
        return True
    return now - last_signed_at >= CHECKPOINT_EVERY
