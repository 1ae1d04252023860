"""The custody chain of a unit, read in one ordered query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.custody.models import CustodyEvent, Unit
from ewaste.custody.rules import ChainLink, HandoverKind, chain_is_complete, chain_problems


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One handover as shown to people: roles and names, never personal contact data."""

    seq: int
    kind: str
    from_role: str
    from_name: str
    to_role: str
    to_name: str
    occurred_at: datetime
    lat: float | None
    lon: float | None
    grams: int
    ref: str
    chain_seq: int = 0
    """Place in the global hash chain of the event shown (the correction, if corrected)."""
    hash: str = ""
    """That event's chain hash (custody.chain): lets a regulator check it against
    `ewaste custody verify`. Not for the public pages: the hash covers door coordinates."""
    event_id: int = 0
    """Id of the event shown (what a further correction names; a correction of a
    correction still corrects the original)."""
    corrects_chain_seq: int | None = None
    """When the step shows a correction: the chain place of the event it corrects."""
    reason: str = ""
    """When the step shows a correction: why it was made."""


@dataclass(frozen=True, slots=True)
class UnitTrace:
    """A unit and its ordered chain, with whether the chain is consistent and complete."""

    code: str
    category_code: str
    status: str
    door_grams: int
    steps: tuple[TraceStep, ...]
    problems: tuple[str, ...]
    complete: bool


def effective_events(events: Sequence[CustodyEvent]) -> list[CustodyEvent]:
    """A unit's events (in seq order) as they stand after corrections.

    A correction (an event with `corrects_id`) takes the place of the event it corrects,
    the latest correction winning; a correction of a correction corrects the original.
    The stored events are not changed: this is only how the chain reads.
    """
    by_id = {e.id: e for e in events}
    latest: dict[int, CustodyEvent] = {}
    for event in events:
        if event.corrects_id is None:
            continue
        root = event.corrects_id
        for _ in range(len(events)):  # bounded: a tampered log may hold a cycle
            target = by_id.get(root)
            if target is None or target.corrects_id is None:
                break
            root = target.corrects_id
        latest[root] = event
    return [latest.get(e.id, e) for e in events if e.corrects_id is None]


def unit_trace(session: Session, unit: Unit, *, locale: str = "en") -> UnitTrace:
    """The full chain of `unit`, oldest first, corrections applied (each step keeps the
    place of the event it corrects). Households appear by role only; the parties are
    named in `locale`."""
    stmt = select(CustodyEvent).where(CustodyEvent.unit_id == unit.id).order_by(CustodyEvent.seq)
    stored = session.scalars(stmt).all()
    events = effective_events(stored)
    seqs = [e.seq for e in stored if e.corrects_id is None]
    chain_seq_of = {e.id: e.chain_seq for e in stored}
    labels = identity.organisation_labels(
        session, [e.from_id for e in events] + [e.to_id for e in events], locale=locale
    )
    steps: list[TraceStep] = []
    links: list[ChainLink] = []
    for seq, event in zip(seqs, events, strict=True):
        from_role, from_name = labels.get(event.from_id, ("unknown", ""))
        to_role, to_name = labels.get(event.to_id, ("unknown", ""))
        steps.append(
            TraceStep(
                seq=seq,
                kind=event.kind,
                from_role=from_role,
                from_name=_public_name(from_role, from_name),
                to_role=to_role,
                to_name=_public_name(to_role, to_name),
                occurred_at=event.occurred_at,
                lat=None if from_role == "household" else event.lat,
                lon=None if from_role == "household" else event.lon,
                grams=event.grams,
                ref=event.ref,
                chain_seq=event.chain_seq,
                hash=event.hash,
                event_id=event.id,
                corrects_chain_seq=None
                if event.corrects_id is None
                else chain_seq_of.get(event.corrects_id),
                reason=event.reason or "",
            )
        )
        links.append(ChainLink(HandoverKind(event.kind), event.from_id, event.to_id, event.grams))
    return UnitTrace(
        code=unit.code,
        category_code=unit.category_code,
        status=unit.status,
        door_grams=unit.door_grams,
        steps=tuple(steps),
        problems=tuple(chain_problems(links)),
        complete=chain_is_complete(links),
    )


def chain_completeness(session: Session) -> tuple[int, int]:
    """(complete, total) over every unit: complete chains end in a consistent dismantling."""
    total = int(session.execute(select(func.count(Unit.id))).scalar_one())
    stmt = select(CustodyEvent).order_by(CustodyEvent.unit_id, CustodyEvent.seq)
    complete = 0
    current: int | None = None
    unit_events: list[CustodyEvent] = []
    for event in session.scalars(stmt):
        if event.unit_id != current:
            complete += _complete(unit_events)
            current, unit_events = event.unit_id, []
        unit_events.append(event)
    complete += _complete(unit_events)
    return complete, total


def _complete(events: Sequence[CustodyEvent]) -> bool:
    return chain_is_complete(
        [
            ChainLink(HandoverKind(e.kind), e.from_id, e.to_id, e.grams)
            for e in effective_events(events)
        ]
    )


def units_of_household(session: Session, household_id: int) -> Sequence[tuple[str, str, str]]:
    """(code, category, status) of every unit a household handed over, newest first."""
    stmt = (
        select(Unit.code, Unit.category_code, Unit.status)
        .where(Unit.household_id == household_id)
        .order_by(Unit.id.desc())
    )
    return list(session.execute(stmt))


def _public_name(role: str, name: str) -> str:
    # A household's name is personal data: the chain shows only that it was a household.
    return "" if role == "household" else name
