"""Statements that load and store dismantling records."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.compliance.models import DismantlingOutput, DismantlingRecord


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
