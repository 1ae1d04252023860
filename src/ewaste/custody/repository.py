"""Every statement that loads or writes units and custody events."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ewaste.custody.chain import CHAIN_FIELDS, GENESIS_HASH, ChainRow, event_hash
from ewaste.custody.models import CustodyCheckpoint, CustodyEvent, Unit

CHAIN_LOCK_KEY: Final = 0x6577_6173_7465_01  # "ewaste" + 1: pg_advisory_xact_lock's key
"""The advisory lock that serialises appends to the custody chain on PostgreSQL."""


@dataclass(frozen=True, slots=True)
class CheckpointRow:
    """A checkpoint as read for verification."""

    id: int
    last_chain_seq: int
    last_hash: str
    signed_at: datetime
    key_id: str
    signature: str


class CustodyRepository:
    """Loads units (optionally locked) and appends custody events."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def unit_by_code(self, code: str) -> Unit | None:
        """The unit with this code, if any."""
        return self._session.scalars(select(Unit).where(Unit.code == code)).one_or_none()

    def units_by_codes_for_update(self, codes: Sequence[str]) -> Sequence[Unit]:
        """Units with these codes, locked in id order (PostgreSQL)."""
        stmt = select(Unit).where(Unit.code.in_(codes)).order_by(Unit.id).with_for_update()
        return self._session.scalars(stmt).all()

    def units_by_ids(self, unit_ids: Sequence[int]) -> Sequence[Unit]:
        """Units with these ids, in id order."""
        return self._session.scalars(
            select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id)
        ).all()

    def add_unit(self, unit: Unit) -> None:
        """Stage and flush a new unit."""
        self._session.add(unit)
        self._session.flush()

    def last_seq(self, unit_id: int) -> int:
        """The sequence number of the unit's latest event (0 when it has none)."""
        stmt = select(func.coalesce(func.max(CustodyEvent.seq), 0)).where(
            CustodyEvent.unit_id == unit_id
        )
        return int(self._session.execute(stmt).scalar_one())

    def lock_chain(self) -> None:
        """Serialise appends to the custody chain until the transaction ends.

        PostgreSQL: a transaction-level advisory lock (taken again it is a no-op).
        SQLite has one writer at a time (BEGIN IMMEDIATE), so nothing is needed.
        """
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY}
            )

    def chain_head(self) -> tuple[int, str]:
        """(chain_seq, hash) of the last event in the chain; (0, GENESIS_HASH) when empty."""
        row = self._session.execute(
            select(CustodyEvent.chain_seq, CustodyEvent.hash)
            .order_by(CustodyEvent.chain_seq.desc())
            .limit(1)
        ).first()
        return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))

    def append_event(self, event: CustodyEvent) -> None:
        """Append `event` as the next link of the chain (never updates one)."""
        self.append_events([event])

    def append_events(self, events: Sequence[CustodyEvent]) -> None:
        """Append `events`, in order, as the next links of the chain (never updates one).

        Takes the chain lock, reads the head and the largest id once, gives each event
        the next id and chain_seq, links and hashes it, and inserts them in one flush.
        Ids are chosen here, not by the database, because the hash covers them; under
        the lock max(id) + 1 is free.
        """
        if not events:
            return
        self.lock_chain()
        last_id = select(func.max(CustodyEvent.id)).scalar_subquery()
        row = self._session.execute(
            select(CustodyEvent.chain_seq, CustodyEvent.hash, last_id)
            .order_by(CustodyEvent.chain_seq.desc())
            .limit(1)
        ).first()
        head_seq, head_hash, max_id = (0, GENESIS_HASH, 0) if row is None else row
        for event in events:
            max_id += 1
            head_seq += 1
            event.id = max_id
            event.chain_seq = head_seq
            event.prev_hash = head_hash
            event.evidence = event.evidence or ""
            event.ref = event.ref or ""
            event.hash = event_hash(
                {name: getattr(event, name) for name in CHAIN_FIELDS}, head_hash
            )
            head_hash = event.hash
        self._session.add_all(events)
        self._session.flush()

    def last_seqs(self, unit_ids: Sequence[int]) -> dict[int, int]:
        """Each unit's latest event sequence number (units without events are left out)."""
        stmt = (
            select(CustodyEvent.unit_id, func.max(CustodyEvent.seq))
            .where(CustodyEvent.unit_id.in_(unit_ids))
            .group_by(CustodyEvent.unit_id)
        )
        return {int(unit_id): int(seq) for unit_id, seq in self._session.execute(stmt)}

    def event_by_id(self, event_id: int) -> CustodyEvent | None:
        """The event with this id, if any."""
        return self._session.get(CustodyEvent, event_id)

    def chain_rows(self, *, batch: int = 20_000) -> Iterator[Sequence[ChainRow]]:
        """Every event as a ChainRow, in chain order, `batch` rows at a time; constant memory.

        Keyset pages over the unique index on chain_seq (`chain_seq > last ORDER BY
        chain_seq LIMIT batch`): one plain query per page, no long-lived cursor, and a
        short chain costs one round trip. Pages are never reread, so a page boundary
        cannot hide a repeated chain_seq only because UNIQUE (chain_seq) forbids one.
        """
        columns = [getattr(CustodyEvent, name) for name in CHAIN_FIELDS]
        base = select(*columns, CustodyEvent.prev_hash, CustodyEvent.hash).order_by(
            CustodyEvent.chain_seq
        )
        last: int | None = None
        while True:
            stmt = base if last is None else base.where(CustodyEvent.chain_seq > last)
            rows: Any = self._session.execute(stmt.limit(batch)).all()
            if rows:
                yield rows
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def checkpoints(self) -> Sequence[CheckpointRow]:
        """Every checkpoint as stored right now (plain rows, not cached ORM objects), oldest
        first."""
        c = CustodyCheckpoint
        stmt = select(
            c.id, c.last_chain_seq, c.last_hash, c.signed_at, c.key_id, c.signature
        ).order_by(c.last_chain_seq)
        return [CheckpointRow(*row) for row in self._session.execute(stmt)]

    def last_checkpoint(self) -> CustodyCheckpoint | None:
        """The checkpoint covering the most events, if any."""
        return self._session.scalars(
            select(CustodyCheckpoint).order_by(CustodyCheckpoint.last_chain_seq.desc()).limit(1)
        ).first()

    def add_checkpoint(self, checkpoint: CustodyCheckpoint) -> None:
        """Append a checkpoint (never updates one)."""
        self._session.add(checkpoint)
        self._session.flush()

    def handled_by(self, unit_id: int, organisation_id: int) -> bool:
        """True when the organisation gave or received the unit in some event."""
        stmt = (
            select(CustodyEvent.id)
            .where(CustodyEvent.unit_id == unit_id)
            .where(
                (CustodyEvent.from_id == organisation_id) | (CustodyEvent.to_id == organisation_id)
            )
            .limit(1)
        )
        return self._session.execute(stmt).first() is not None
