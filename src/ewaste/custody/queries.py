"""Read models of units for other domains, pages and reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from ewaste.custody.models import CustodyCheckpoint, CustodyEvent, Unit
from ewaste.custody.rules import HandoverKind
from ewaste.kernel.geo import GeoPoint


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit as other domains see it."""

    id: int
    code: str
    category_code: str
    holder_id: int
    household_id: int
    status: str
    door_grams: int
    source_ref: str


def _row(unit: Unit) -> UnitRow:
    return UnitRow(
        unit.id,
        unit.code,
        unit.category_code,
        unit.holder_id,
        unit.household_id,
        unit.status,
        unit.door_grams,
        unit.source_ref,
    )


def units_held_by(
    session: Session, holder_id: int, *, status: str | None = None
) -> Sequence[UnitRow]:
    """Units currently held by an organisation (optionally in one status), by id."""
    stmt = select(Unit).where(Unit.holder_id == holder_id).order_by(Unit.id)
    if status is not None:
        stmt = stmt.where(Unit.status == status)
    return [_row(u) for u in session.scalars(stmt)]


def units_by_ids(session: Session, unit_ids: Sequence[int]) -> Sequence[UnitRow]:
    """Units with these ids, by id."""
    stmt = select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id)
    return [_row(u) for u in session.scalars(stmt)]


def units_from_source(session: Session, source_ref: str) -> Sequence[UnitRow]:
    """Units produced by one business document ("pickup:12"), by id."""
    stmt = select(Unit).where(Unit.source_ref == source_ref).order_by(Unit.id)
    return [_row(u) for u in session.scalars(stmt)]


def units_and_grams_by_category(session: Session) -> dict[str, tuple[int, int]]:
    """{category: (units, door grams)} over every tagged unit."""
    stmt = select(Unit.category_code, func.count(Unit.id), func.sum(Unit.door_grams)).group_by(
        Unit.category_code
    )
    return {code: (int(n), int(g or 0)) for code, n, g in session.execute(stmt)}


def units_by_status(session: Session) -> dict[str, int]:
    """{status: count} over every unit."""
    stmt = select(Unit.status, func.count(Unit.id)).group_by(Unit.status)
    return {status: int(n) for status, n in session.execute(stmt)}


@dataclass(frozen=True, slots=True)
class HeldLoad:
    """What one holder holds in one status: door grams and units by category."""

    grams: int
    units_by_category: Mapping[str, int]


def held_load_by_holder(session: Session, *, status: str) -> dict[int, HeldLoad]:
    """{holder: load} of units in one status (e.g. what collectors carry now)."""
    stmt = (
        select(Unit.holder_id, Unit.category_code, func.count(Unit.id), func.sum(Unit.door_grams))
        .where(Unit.status == status)
        .group_by(Unit.holder_id, Unit.category_code)
    )
    grams: dict[int, int] = {}
    units: dict[int, dict[str, int]] = {}
    for holder, category, n, g in session.execute(stmt):
        grams[int(holder)] = grams.get(int(holder), 0) + int(g or 0)
        units.setdefault(int(holder), {})[category] = int(n)
    return {h: HeldLoad(grams[h], units[h]) for h in grams}


@dataclass(frozen=True, slots=True)
class LastHandover:
    """A collector's latest handover: units it took at a door or gave to a station."""

    kind: str
    counterpart_id: int
    """The household it collected from, or the station it delivered to."""
    place: GeoPoint | None
    """Where it happened, when recorded."""
    at: datetime


def last_collector_handovers(session: Session, *, since: datetime) -> dict[int, LastHandover]:
    """{collector: its latest handover since `since`}: a collection at a door (to it) or
    a delivery to a station (from it), whichever came last in the chain; corrections are
    not handovers. One statement for every collector."""
    base = CustodyEvent.occurred_at >= since, CustodyEvent.corrects_id.is_(None)
    moves = union_all(
        select(CustodyEvent.to_id.label("party"), CustodyEvent.chain_seq).where(
            CustodyEvent.kind == HandoverKind.COLLECT.value, *base
        ),
        select(CustodyEvent.from_id.label("party"), CustodyEvent.chain_seq).where(
            CustodyEvent.kind == HandoverKind.DELIVER.value, *base
        ),
    ).subquery()
    latest = select(func.max(moves.c.chain_seq)).group_by(moves.c.party)
    found: dict[int, LastHandover] = {}
    for event in session.scalars(select(CustodyEvent).where(CustodyEvent.chain_seq.in_(latest))):
        collect = event.kind == HandoverKind.COLLECT.value
        found[event.to_id if collect else event.from_id] = LastHandover(
            event.kind,
            event.from_id if collect else event.to_id,
            GeoPoint(event.lat, event.lon)
            if event.lat is not None and event.lon is not None
            else None,
            event.occurred_at,
        )
    return found


def units_by_codes(session: Session, codes: Sequence[str]) -> Sequence[UnitRow]:
    """Units with these codes, by id (unknown codes are left out)."""
    stmt = select(Unit).where(Unit.code.in_(codes)).order_by(Unit.id)
    return [_row(u) for u in session.scalars(stmt)]


@dataclass(frozen=True, slots=True)
class ChainStatus:
    """Where the custody hash chain stands, without verifying it (two indexed reads)."""

    head_seq: int
    """The last event's place in the chain (0 when empty)."""
    signed_seq: int
    """The last place covered by a signed checkpoint (0 when none)."""
    signed_at: datetime | None

    @property
    def unsigned(self) -> int:
        """Events after the last checkpoint: the only ones a database attacker could rewrite."""
        return self.head_seq - self.signed_seq


def chain_status(session: Session) -> ChainStatus:
    """The chain's head and its last signed checkpoint."""
    head = session.execute(select(func.coalesce(func.max(CustodyEvent.chain_seq), 0))).scalar_one()
    checkpoint = session.execute(
        select(CustodyCheckpoint.last_chain_seq, CustodyCheckpoint.signed_at)
        .order_by(CustodyCheckpoint.last_chain_seq.desc())
        .limit(1)
    ).first()
    if checkpoint is None:
        return ChainStatus(int(head), 0, None)
    return ChainStatus(int(head), int(checkpoint[0]), checkpoint[1])
