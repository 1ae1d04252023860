"""Read models of dismantling output checks: the flagged (and reviewed) records with their
reasons, for operators, regulators, the plant itself and the subsidy claim."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.compliance.models import (
    DismantlingCheck,
    DismantlingCheckFlag,
    DismantlingCheckStatusChange,
    DismantlingOutput,
    DismantlingRecord,
)


@dataclass(frozen=True, slots=True)
class FlagView:
    """One reason a record was flagged, with the grams it rests on."""

    reason: str
    fraction: str
    expected_grams: int
    actual_grams: int


@dataclass(frozen=True, slots=True)
class CheckView:
    """A dismantling record's output check: its status, reasons and latest review note."""

    unit_code: str
    category: str
    plant_id: int
    dismantled_at: datetime
    line: str
    evidence: str
    door_grams: int
    output_grams: int
    catalogue_grams: int
    status: str
    flags: tuple[FlagView, ...]
    note: str
    """The latest review's note ("" before any review)."""


def _views(session: Session, checks: Sequence[DismantlingCheck]) -> list[CheckView]:
    ids = [c.id for c in checks]
    record_ids = [c.record_id for c in checks]
    if not ids:
        return []
    flags: dict[int, list[FlagView]] = {}
    for f in session.scalars(
        select(DismantlingCheckFlag)
        .where(DismantlingCheckFlag.check_id.in_(ids))
        .order_by(DismantlingCheckFlag.id)
    ):
        flags.setdefault(f.check_id, []).append(
            FlagView(f.reason, f.fraction, f.expected_grams, f.actual_grams)
        )
    notes: dict[int, str] = {}
    for check_id, note in session.execute(
        select(DismantlingCheckStatusChange.check_id, DismantlingCheckStatusChange.note)
        .where(DismantlingCheckStatusChange.check_id.in_(ids))
        .order_by(DismantlingCheckStatusChange.id)
    ):
        notes[check_id] = note
    records = {
        r.id: r
        for r in session.scalars(
            select(DismantlingRecord).where(DismantlingRecord.id.in_(record_ids))
        )
    }
    grams: dict[int, int] = {}
    for record_id, g in session.execute(
        select(DismantlingOutput.record_id, DismantlingOutput.grams).where(
            DismantlingOutput.record_id.in_(record_ids)
        )
    ):
        grams[record_id] = grams.get(record_id, 0) + int(g)
    out = []
    for c in checks:
        record = records[c.record_id]
        out.append(
            CheckView(
                unit_code=record.unit_code,
                category=c.category,
                plant_id=c.plant_id,
                dismantled_at=record.dismantled_at,
                line=record.line,
                evidence=record.evidence,
                door_grams=c.door_grams,
                output_grams=grams.get(c.record_id, 0),
                catalogue_grams=c.catalogue_grams,
                status=c.status,
                flags=tuple(flags.get(c.id, ())),
                note=notes.get(c.id, ""),
            )
        )
    return out


def check_views(
    session: Session,
    *,
    plant_id: int | None,
    statuses: Sequence[str],
    limit: int = 200,
) -> Sequence[CheckView]:
    """Checks in these statuses, newest first: one plant's, or every plant's (None)."""
    stmt = (
        select(DismantlingCheck)
        .where(DismantlingCheck.status.in_(statuses))
        .order_by(DismantlingCheck.id.desc())
        .limit(limit)
    )
    if plant_id is not None:
        stmt = stmt.where(DismantlingCheck.plant_id == plant_id)
    return _views(session, session.scalars(stmt).all())


def check_view(session: Session, check: DismantlingCheck) -> CheckView:
    """The read model of one check."""
    return _views(session, [check])[0]


def check_views_for_units(session: Session, unit_codes: Sequence[str]) -> dict[str, CheckView]:
    """{unit code: check} of the units that have one (for a claim's lines)."""
    if not unit_codes:
        return {}
    stmt = (
        select(DismantlingCheck)
        .join(DismantlingRecord, DismantlingRecord.id == DismantlingCheck.record_id)
        .where(DismantlingRecord.unit_code.in_(unit_codes))
    )
    return {v.unit_code: v for v in _views(session, session.scalars(stmt).all())}
