"""Read models of subsidy claims: the claim, its lines and the units it leaves out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.compliance.models import (
    DismantlingCheck,
    DismantlingRecord,
    SubsidyClaim,
    SubsidyClaimExclusion,
    SubsidyClaimLine,
)


@dataclass(frozen=True, slots=True)
class ClaimLineView:
    """One claimed unit: its rate, the band it rests on, and its evidence."""

    unit_code: str
    category: str
    dismantled_on: date
    schedule_from: date
    condition: str
    rate_fen: int
    source: str
    line: str
    """The dismantling line at the plant."""
    evidence: tuple[str, ...]
    """The dismantling record's evidence references (photo or video segment ids)."""
    output_check: str = ""
    """The record's output check: passed, or cleared after a flag ("" if unchecked)."""


@dataclass(frozen=True, slots=True)
class ExclusionView:
    """A dismantled unit of the period that is not claimable, and why."""

    unit_code: str
    category: str
    dismantled_on: date
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A subsidy claim with its lines (by category, then unit code) and exclusions."""

    id: int
    plant_id: int
    period: str
    period_start: date
    period_end: date
    status: str
    total_fen: int
    prepared_at: datetime
    lines: tuple[ClaimLineView, ...]
    exclusions: tuple[ExclusionView, ...]

    def by_category(self) -> dict[str, tuple[int, int]]:
        """{category: (units, fen)}."""
        out: dict[str, tuple[int, int]] = {}
        for line in self.lines:
            units, fen = out.get(line.category, (0, 0))
            out[line.category] = (units + 1, fen + line.rate_fen)
        return out


def evidence_refs(text: str) -> tuple[str, ...]:
    """The evidence references of a record ("cam:7 photo:12" or comma-separated)."""
    return tuple(r for r in text.replace(",", " ").split() if r)


def claim_view(session: Session, claim: SubsidyClaim) -> ClaimView:
    """The read model of one claim."""
    lines = session.execute(
        select(
            SubsidyClaimLine,
            DismantlingRecord.line,
            DismantlingRecord.evidence,
            DismantlingCheck.status,
        )
        .join(DismantlingRecord, DismantlingRecord.id == SubsidyClaimLine.record_id)
        .outerjoin(DismantlingCheck, DismantlingCheck.record_id == SubsidyClaimLine.record_id)
        .where(SubsidyClaimLine.claim_id == claim.id)
        .order_by(SubsidyClaimLine.category, SubsidyClaimLine.unit_code)
    ).all()
    exclusions = session.scalars(
        select(SubsidyClaimExclusion)
        .where(SubsidyClaimExclusion.claim_id == claim.id)
        .order_by(SubsidyClaimExclusion.category, SubsidyClaimExclusion.unit_code)
    ).all()
    return ClaimView(
        id=claim.id,
        plant_id=claim.plant_id,
        period=claim.period,
        period_start=claim.period_start,
        period_end=claim.period_end,
        status=claim.status,
        total_fen=claim.total_fen,
        prepared_at=claim.prepared_at,
        lines=tuple(
            ClaimLineView(
                unit_code=cl.unit_code,
                category=cl.category,
                dismantled_on=cl.dismantled_on,
                schedule_from=cl.schedule_from,
                condition=cl.condition,
                rate_fen=cl.rate_fen,
                source=cl.source,
                line=line,
                evidence=evidence_refs(evidence),
                output_check=check or "",
            )
            for cl, line, evidence, check in lines
        ),
        exclusions=tuple(
            ExclusionView(e.unit_code, e.category, e.dismantled_on, e.reason, e.detail)
            for e in exclusions
        ),
    )


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    """A claim in a list."""

    id: int
    plant_id: int
    period: str
    status: str
    total_fen: int
    prepared_at: datetime


def claim_summaries(session: Session, *, plant_id: int | None) -> Sequence[ClaimSummary]:
    """Claims, newest first: one plant's, or every plant's when `plant_id` is None."""
    stmt = select(SubsidyClaim).order_by(SubsidyClaim.id.desc()).limit(500)
    if plant_id is not None:
        stmt = stmt.where(SubsidyClaim.plant_id == plant_id)
    return [
        ClaimSummary(c.id, c.plant_id, c.period, c.status, c.total_fen, c.prepared_at)
        for c in session.scalars(stmt)
    ]
