"""Statements that load and store collector profiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.dispatch.models import CollectorProfile, PickupOffer


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


class OfferRepository:
    """Loads and stores pickup offers."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_all(self, offers: Sequence[PickupOffer]) -> None:
        """Stage and flush new offers."""
        self._session.add_all(offers)
        self._session.flush()

    def get(self, offer_id: int) -> PickupOffer | None:
        """One offer, if any."""
        return self._session.get(PickupOffer, offer_id)

    def of_pickup_locked(self, pickup_id: int, *, status: str) -> Sequence[PickupOffer]:
        """A pickup's offers in one status, row-locked on PostgreSQL."""
        stmt = (
            select(PickupOffer)
            .where(PickupOffer.pickup_id == pickup_id, PickupOffer.status == status)
            .order_by(PickupOffer.id)
            .with_for_update()
        )
        return self._session.scalars(stmt).all()

    def open_pickup_ids(self) -> set[int]:
        """Pickups with at least one open offer (the assignment round leaves them alone)."""
        stmt = select(PickupOffer.pickup_id).where(PickupOffer.status == "open").distinct()
        return set(self._session.scalars(stmt))

    def listed(self, *, collector_id: int | None, status: str, limit: int) -> Sequence[PickupOffer]:
        """Offers in one status, the soonest to expire first (then the oldest); only one
        collector's when `collector_id` is set."""
        stmt = select(PickupOffer).where(PickupOffer.status == status)
        if collector_id is not None:
            stmt = stmt.where(PickupOffer.collector_id == collector_id)
        stmt = stmt.order_by(PickupOffer.expires_at, PickupOffer.id).limit(limit)
        return self._session.scalars(stmt).all()

    def due_for_expiry(self, *, now: datetime, limit: int) -> Sequence[PickupOffer]:
        """Open offers past their expiry, locked so that no other worker takes the same ones."""
        stmt = (
            select(PickupOffer)
            .where(PickupOffer.status == "open", PickupOffer.expires_at <= now)
            .order_by(PickupOffer.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()
