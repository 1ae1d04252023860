"""Read models of dismantling for pages and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste.compliance.models import (
    DismantlingCheck,
    DismantlingCheckFlag,
    DismantlingOutput,
    DismantlingRecord,
)


@dataclass(frozen=True, slots=True)
class DismantlingView:
    """A unit's dismantling record with its fractions."""

    unit_code: str
    plant_id: int
    dismantled_at: datetime
    line: str
    outputs: tuple[tuple[str, int], ...]
    check: str = ""
    """The output check's status (passed, flagged, cleared, upheld; "" if unchecked)."""
    flags: tuple[str, ...] = ()
    """The check's reasons, e.g. "refrigerant:not_captured", "total_short"."""
    brand: str = ""


def dismantling_view(session: Session, record: DismantlingRecord) -> DismantlingView:
    """The read model of one record."""
    stmt = (
        select(DismantlingOutput.fraction, DismantlingOutput.grams)
        .where(DismantlingOutput.record_id == record.id)
        .order_by(DismantlingOutput.fraction)
    )
    outputs = tuple((f, int(g)) for f, g in session.execute(stmt))
    check = session.execute(
        select(DismantlingCheck.id, DismantlingCheck.status).where(
            DismantlingCheck.record_id == record.id
        )
    ).one_or_none()
    flags: tuple[str, ...] = ()
    if check is not None:
        flags = tuple(
            f"{fraction}:{reason}" if fraction else reason
            for reason, fraction in session.execute(
                select(DismantlingCheckFlag.reason, DismantlingCheckFlag.fraction)
                .where(DismantlingCheckFlag.check_id == check.id)
                .order_by(DismantlingCheckFlag.id)
            )
        )
    return DismantlingView(
        record.unit_code,
        record.plant_id,
        record.dismantled_at,
        record.line,
        outputs,
        check=check.status if check is not None else "",
        flags=flags,
        brand=record.brand,
    )


def recent_for_plant(
    session: Session, plant_id: int, *, limit: int = 50
) -> Sequence[DismantlingView]:
    """A plant's latest dismantling records."""
    stmt = (
        select(DismantlingRecord)
        .where(DismantlingRecord.plant_id == plant_id)
        .order_by(DismantlingRecord.id.desc())
        .limit(limit)
    )
    return [dismantling_view(session, r) for r in session.scalars(stmt)]


def recovered_grams_by_fraction(session: Session) -> dict[str, int]:
    """{fraction: grams} recovered over every dismantling record."""
    stmt = select(DismantlingOutput.fraction, func.sum(DismantlingOutput.grams)).group_by(
        DismantlingOutput.fraction
    )
    return {f: int(g or 0) for f, g in session.execute(stmt)}
