"""Statements that load and store collector profiles."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.dispatch.models import CollectorProfile


class CollectorRepository:
    """Loads and stores collector profiles."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, organisation_id: int) -> CollectorProfile | None:
        """The profile of one collector organisation, if any."""
        return self._session.get(CollectorProfile, organisation_id)

    def active(self) -> Sequence[CollectorProfile]:
        """Every active collector profile, by organisation id (for reading: no lock)."""
        stmt = (
            select(CollectorProfile)
            .where(CollectorProfile.active.is_(True))
            .order_by(CollectorProfile.organisation_id)
        )
        return self._session.scalars(stmt).all()

    def active_locked(self) -> Sequence[CollectorProfile]:
        """Every active collector profile, by organisation id, row-locked on PostgreSQL.

        Locking the profiles serialises assignment rounds: two workers cannot both
        fill the same collector's spare capacity from the same snapshot.
        """
        stmt = (
            select(CollectorProfile)
            .where(CollectorProfile.active.is_(True))
            .order_by(CollectorProfile.organisation_id)
            .with_for_update()
        )
        return self._session.scalars(stmt).all()

    def add(self, profile: CollectorProfile) -> None:
        """Stage and flush a new profile."""
        self._session.add(profile)
        self._session.flush()
