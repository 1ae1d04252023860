"""Statements that load and store dismantling records and subsidy claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ewaste.compliance.claim_rules import UnitAlreadyClaimed
from ewaste.compliance.models import (
    DismantlingCheck,
    DismantlingCheckFlag,
    DismantlingCheckStatusChange,
    DismantlingOutput,
    DismantlingRecord,
    SubsidyClaim,
    SubsidyClaimEvent,
    SubsidyClaimExclusion,
    SubsidyClaimLine,
)


class DismantlingRepository:
    """Loads and stores dismantling records."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def for_unit(self, unit_id: int) -> DismantlingRecord | None:
        """The record of a unit, if it was dismantled."""
        stmt = select(DismantlingRecord).where(DismantlingRecord.unit_id == unit_id)
        return self._session.scalars(stmt).one_or_none()

    def add(self, record: DismantlingRecord, outputs: Sequence[DismantlingOutput]) -> None:
        """Store a record and its output fractions."""
        self._session.add(record)
        self._session.flush()
        for output in outputs:
            output.record_id = record.id
            self._session.add(output)
        self._session.flush()


class CheckRepository:
    """Loads and stores dismantling output checks, their flags and history."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        check: DismantlingCheck,
        flags: Sequence[DismantlingCheckFlag],
        change: DismantlingCheckStatusChange,
    ) -> None:
        """Store a new check with its flags and its first history row."""
        self._session.add(check)
        self._session.flush()
        for flag in flags:
            flag.check_id = check.id
        change.check_id = check.id
        self._session.add_all([*flags, change])
        self._session.flush()

    def for_unit_code(self, unit_code: str, *, for_update: bool = False) -> DismantlingCheck | None:
        """The check of the unit with this code (locked for update when asked)."""
        stmt = (
            select(DismantlingCheck)
            .join(DismantlingRecord, DismantlingRecord.id == DismantlingCheck.record_id)
            .where(DismantlingRecord.unit_code == unit_code)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def record_change(self, change: DismantlingCheckStatusChange) -> None:
        """Append a history row."""
        self._session.add(change)
        self._session.flush()

    def statuses(self, record_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """{record id: (status, check id)} of the records that have a check."""
        if not record_ids:
            return {}
        stmt = select(
            DismantlingCheck.record_id, DismantlingCheck.status, DismantlingCheck.id
        ).where(DismantlingCheck.record_id.in_(record_ids))
        return {r: (s, c) for r, s, c in self._session.execute(stmt)}


class ClaimRepository:
    """Loads and stores subsidy claims, their lines, exclusions and journal."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def unclaimed_records(
        self, plant_id: int, start: datetime, end: datetime
    ) -> Sequence[DismantlingRecord]:
        """The plant's records dismantled in [start, end) whose unit no claim holds, by unit."""
        claimed = select(SubsidyClaimLine.unit_id)
        stmt = (
            select(DismantlingRecord)
            .where(
                DismantlingRecord.plant_id == plant_id,
                DismantlingRecord.dismantled_at >= start,
                DismantlingRecord.dismantled_at < end,
                DismantlingRecord.unit_id.not_in(claimed),
            )
            .order_by(DismantlingRecord.unit_id)
        )
        return self._session.scalars(stmt).all()

    def add(
        self,
        claim: SubsidyClaim,
        lines: Sequence[SubsidyClaimLine],
        exclusions: Sequence[SubsidyClaimExclusion],
        event: SubsidyClaimEvent,
    ) -> None:
        """Store a claim with its lines; UnitAlreadyClaimed if a line's unit is held already.

        The unique constraint on `subsidy_claim_line.unit_id` decides: a claim prepared
        in parallel that committed first keeps the unit, this one fails as a whole.
        """
        try:
            with self._session.begin_nested():
                self._session.add(claim)
                self._session.flush()
                for line in lines:
                    line.claim_id = claim.id
                for exclusion in exclusions:
                    exclusion.claim_id = claim.id
                self._session.add_all([*lines, *exclusions])
                self._session.flush()
        except IntegrityError as error:
            if "subsidy_claim_line" in str(error.orig):
                raise UnitAlreadyClaimed from None
            raise
        event.claim_id = claim.id
        self._session.add(event)
        self._session.flush()

    def get(self, claim_id: int, *, for_update: bool = False) -> SubsidyClaim | None:
        """A claim by id (locked for update when asked)."""
        stmt = select(SubsidyClaim).where(SubsidyClaim.id == claim_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def record_event(self, event: SubsidyClaimEvent) -> None:
        """Append a journal row."""
        self._session.add(event)
        self._session.flush()
