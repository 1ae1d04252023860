"""Every statement that loads or stores synced offline records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.fieldsync.models import SyncedRecord


class SyncRepository:
    """Finds and stores an organisation's applied offline records."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, organisation_id: int, record_id: str) -> SyncedRecord | None:
        """The organisation's applied record with this device id, if any."""
        stmt = select(SyncedRecord).where(
            SyncedRecord.organisation_id == organisation_id, SyncedRecord.record_id == record_id
        )
        return self._session.scalars(stmt).one_or_none()

    def add(self, record: SyncedRecord) -> None:
        """Store an applied record."""
        self._session.add(record)
        self._session.flush()
