"""Every statement that loads or writes units and custody events."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ewaste.custody.chain import CHAIN_FIELDS, GENESIS_HASH, ChainRow, event_hash
from ewaste.custody.models import (
    Certificate,
    CertificateRequest,
    CustodyCheckpoint,
    CustodyEvent,
    CustodyKeyRevocation,
    CustodySigningKey,
    ReservedUnitCode,
    Unit,
    UnitCodeBlock,
    UnitReceipt,
)
from ewaste.custody.rules import HandoverKind
from ewaste.db.session import is_sqlite

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
                {name: getattr(event, name) for name in CHAIN_FIELDS}, head_hash, event.reason
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
        base = select(
            *columns, CustodyEvent.prev_hash, CustodyEvent.hash, CustodyEvent.reason
        ).order_by(CustodyEvent.chain_seq)
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

    def signing_keys(self) -> Sequence[CustodySigningKey]:
        """Every registered signing key, in registration order."""
        return self._session.scalars(select(CustodySigningKey).order_by(CustodySigningKey.id)).all()

    def key_revocations(self) -> Sequence[CustodyKeyRevocation]:
        """Every key revocation, in the order recorded."""
        return self._session.scalars(
            select(CustodyKeyRevocation).order_by(CustodyKeyRevocation.id)
        ).all()

    def add_signing_key(self, key: CustodySigningKey) -> None:
        """Register a signing key (never updates one)."""
        self._session.add(key)
        self._session.flush()

    def add_key_revocation(self, revocation: CustodyKeyRevocation) -> None:
        """Record a key revocation (never updates one)."""
        self._session.add(revocation)
        self._session.flush()

    def checkpoints_by_key(self) -> dict[str, int]:
        """How many checkpoints each key id signed."""
        c = CustodyCheckpoint
        stmt = select(c.key_id, func.count(c.id)).group_by(c.key_id)
        return {str(k): int(n) for k, n in self._session.execute(stmt)}

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


@dataclass(frozen=True, slots=True)
class Reservation:
    """The block a reserved code belongs to, as the tagging check needs it."""

    organisation_id: int
    reserved_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class BlockRow:
    """A reserved block as listed for its organisation."""

    id: int
    reserved_at: datetime
    expires_at: datetime
    size: int
    used: int


class ReservationRepository:
    """Reserved blocks of unit codes, receipt codes and certificates."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def code_taken(self, code: str) -> bool:
        """True when a unit carries `code` or a block reserved it (expired or not)."""
        unit = select(Unit.id).where(Unit.code == code)
        reserved = select(ReservedUnitCode.code).where(ReservedUnitCode.code == code)
        return self._session.execute(unit.union_all(reserved).limit(1)).first() is not None

    def taken_codes(self, codes: Sequence[str]) -> set[str]:
        """Which of `codes` a unit carries or a block reserved."""
        units = select(Unit.code).where(Unit.code.in_(codes))
        reserved = select(ReservedUnitCode.code).where(ReservedUnitCode.code.in_(codes))
        return {str(c) for (c,) in self._session.execute(units.union_all(reserved))}

    def unit_code_used(self, code: str) -> bool:
        """True when a unit carries `code`."""
        return self._session.execute(select(Unit.id).where(Unit.code == code)).first() is not None

    def unit_ids_by_codes(self, codes: Sequence[str]) -> list[tuple[int, str]]:
        """(id, code) of the units with these codes, by id."""
        stmt = select(Unit.id, Unit.code).where(Unit.code.in_(codes)).order_by(Unit.id)
        return [(int(i), str(c)) for i, c in self._session.execute(stmt)]

    def add_block(self, block: UnitCodeBlock, codes: Sequence[str]) -> None:
        """Store a block and its codes, in label order."""
        self._session.add(block)
        self._session.flush()
        self._session.add_all(
            ReservedUnitCode(code=code, block_id=block.id, position=index)
            for index, code in enumerate(codes, start=1)
        )
        self._session.flush()

    def open_codes(self, organisation_id: int, *, now: datetime) -> int:
        """Reserved codes of the organisation that are unexpired and tag no unit yet."""
        stmt = (
            select(func.count(ReservedUnitCode.code))
            .join(UnitCodeBlock, UnitCodeBlock.id == ReservedUnitCode.block_id)
            .outerjoin(Unit, Unit.code == ReservedUnitCode.code)
            .where(UnitCodeBlock.organisation_id == organisation_id)
            .where(UnitCodeBlock.expires_at > now, Unit.id.is_(None))
        )
        return int(self._session.execute(stmt).scalar_one())

    def reservation(self, code: str) -> Reservation | None:
        """The block that reserved `code`, if any."""
        row = self._session.execute(
            select(
                UnitCodeBlock.organisation_id, UnitCodeBlock.reserved_at, UnitCodeBlock.expires_at
            )
            .join(ReservedUnitCode, ReservedUnitCode.block_id == UnitCodeBlock.id)
            .where(ReservedUnitCode.code == code)
        ).first()
        return None if row is None else Reservation(int(row[0]), row[1], row[2])

    def blocks_of(self, organisation_id: int, *, limit: int = 50) -> Sequence[BlockRow]:
        """The organisation's blocks, newest first, with how many codes tag a unit."""
        used = func.count(Unit.id)
        stmt = (
            select(
                UnitCodeBlock.id,
                UnitCodeBlock.reserved_at,
                UnitCodeBlock.expires_at,
                UnitCodeBlock.size,
                used,
            )
            .join(ReservedUnitCode, ReservedUnitCode.block_id == UnitCodeBlock.id)
            .outerjoin(Unit, Unit.code == ReservedUnitCode.code)
            .where(UnitCodeBlock.organisation_id == organisation_id)
            .group_by(UnitCodeBlock.id)
            .order_by(UnitCodeBlock.id.desc())
            .limit(limit)
        )
        return [
            BlockRow(int(i), r, e, int(s), int(u)) for i, r, e, s, u in self._session.execute(stmt)
        ]

    def block(self, block_id: int) -> UnitCodeBlock | None:
        """The block with this id, if any."""
        return self._session.get(UnitCodeBlock, block_id)

    def block_codes(self, block_id: int) -> list[str]:
        """The block's codes in label order."""
        stmt = (
            select(ReservedUnitCode.code)
            .where(ReservedUnitCode.block_id == block_id)
            .order_by(ReservedUnitCode.position)
        )
        return [str(c) for c in self._session.scalars(stmt)]

    def latest_event_times(self, unit_ids: Sequence[int]) -> dict[int, datetime]:
        """Each unit's latest custody event time (units without events are left out)."""
        stmt = (
            select(CustodyEvent.unit_id, func.max(CustodyEvent.occurred_at))
            .where(CustodyEvent.unit_id.in_(unit_ids))
            .group_by(CustodyEvent.unit_id)
        )
        return {int(u): at for u, at in self._session.execute(stmt)}

    def unit_by_id(self, unit_id: int) -> Unit | None:
        """The unit with this id, if any."""
        return self._session.get(Unit, unit_id)

    def received_at(self, unit_id: int, organisation_id: int) -> datetime | None:
        """When the organisation first held the unit (None if it never did): a shipment
        or a missing report names the plant as receiver, but the station still holds the
        unit then (`rules.holder_after`)."""
        stmt = select(func.min(CustodyEvent.occurred_at)).where(
            CustodyEvent.unit_id == unit_id,
            CustodyEvent.to_id == organisation_id,
            CustodyEvent.kind.not_in((HandoverKind.SHIP.value, HandoverKind.MISSING.value)),
        )
        return self._session.execute(stmt).scalar_one_or_none()

    def add_receipt(self, receipt: UnitReceipt) -> None:
        """Store a unit's receipt code."""
        self._session.add(receipt)
        self._session.flush()

    def unit_by_receipt(self, code: str) -> Unit | None:
        """The unit whose receipt code is `code`, if any."""
        stmt = select(Unit).join(UnitReceipt, UnitReceipt.unit_id == Unit.id)
        return self._session.scalars(stmt.where(UnitReceipt.code == code)).one_or_none()

    def receipt_code(self, unit_id: int) -> str | None:
        """The unit's receipt code, if it has one."""
        stmt = select(UnitReceipt.code).where(UnitReceipt.unit_id == unit_id)
        return self._session.execute(stmt).scalar_one_or_none()

    def receipt_taken(self, code: str) -> bool:
        """True when some unit's receipt code is `code`."""
        stmt = select(UnitReceipt.unit_id).where(UnitReceipt.code == code)
        return self._session.execute(stmt).first() is not None

    def certificate_by_code(self, code: str) -> Certificate | None:
        """The certificate with this id, if any."""
        return self._session.scalars(
            select(Certificate).where(Certificate.code == code)
        ).one_or_none()

    def certificates_of(self, unit_id: int) -> Sequence[Certificate]:
        """The unit's certificates, oldest first."""
        stmt = select(Certificate).where(Certificate.unit_id == unit_id).order_by(Certificate.id)
        return self._session.scalars(stmt).all()

    def add_certificate(self, certificate: Certificate) -> None:
        """Store a certificate (never updates one)."""
        self._session.add(certificate)
        self._session.flush()

    def certificate_request(
        self, unit_id: int, kind: str, *, for_update: bool = False
    ) -> CertificateRequest | None:
        """The unit's request for a certificate of this kind, if any (locked when
        `for_update`: a refused one is asked again by one caller at a time)."""
        stmt = select(CertificateRequest).where(
            CertificateRequest.unit_id == unit_id, CertificateRequest.kind == kind
        )
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def certificate_request_by_code(self, code: str) -> CertificateRequest | None:
        """The request whose certificate will have (or has) this id, if any."""
        stmt = select(CertificateRequest).where(CertificateRequest.code == code)
        return self._session.scalars(stmt).one_or_none()

    def add_certificate_request(self, request: CertificateRequest) -> None:
        """Store a new request."""
        self._session.add(request)
        self._session.flush()

    def claim_certificate_requests(self, *, limit: int) -> Sequence[CertificateRequest]:
        """Requests still to be signed, oldest first, locked against other workers."""
        stmt = (
            select(CertificateRequest)
            .where(CertificateRequest.status == "requested")
            .order_by(CertificateRequest.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()

    def latest_event(self, unit_id: int, *, until: datetime | None = None) -> CustodyEvent | None:
        """The unit's latest custody event (highest seq), if any; with `until`, the latest
        that happened at or before it."""
        stmt = select(CustodyEvent).where(CustodyEvent.unit_id == unit_id)
        if until is not None:
            stmt = stmt.where(CustodyEvent.occurred_at <= until)
        return self._session.scalars(stmt.order_by(CustodyEvent.seq.desc()).limit(1)).first()

    def chain_row_at(self, chain_seq: int) -> ChainRow | None:
        """The event at `chain_seq` as a ChainRow (its fields, prev_hash, hash, reason), if any."""
        columns = [getattr(CustodyEvent, name) for name in CHAIN_FIELDS]
        stmt = select(
            *columns, CustodyEvent.prev_hash, CustodyEvent.hash, CustodyEvent.reason
        ).where(CustodyEvent.chain_seq == chain_seq)
        row = self._session.execute(stmt).first()
        return None if row is None else cast(ChainRow, tuple(row))
