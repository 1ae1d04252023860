"""Statements that load and store collector profiles, pickup offers and route plans."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.dispatch.models import CityPlanRun, CollectorProfile, PickupOffer, RoutePlan


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

    def lock(self, organisation_id: int) -> CollectorProfile | None:
        """One collector's profile, row-locked on PostgreSQL: whoever changes a collector's
        route plans holds this lock (live insertion, offer acceptance, re-optimisation)."""
        stmt = (
            select(CollectorProfile)
            .where(CollectorProfile.organisation_id == organisation_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self._session.scalars(stmt).one_or_none()

    def claim_active(
        self, organisation_ids: Collection[int], *, limit: int
    ) -> Sequence[CollectorProfile]:
        """Up to `limit` of these collectors' active profiles, by id, locked with SKIP LOCKED
        on PostgreSQL: profiles another worker or an assignment round holds are left out."""
        stmt = (
            select(CollectorProfile)
            .where(
                CollectorProfile.active.is_(True),
                CollectorProfile.organisation_id.in_(sorted(organisation_ids)),
            )
            .order_by(CollectorProfile.organisation_id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
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


class RoutePlanRepository:
    """Loads and stores collectors' planned stop orders."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def of_day(self, day: date) -> dict[int, RoutePlan]:
        """Every collector's plan of `day`, by collector."""
        stmt = select(RoutePlan).where(RoutePlan.day == day)
        return {p.collector_id: p for p in self._session.scalars(stmt)}

    def get(self, collector_id: int, day: date) -> RoutePlan | None:
        """One collector's plan of `day`, fresh from the database (the caller holds the
        collector's profile lock, so nobody changes it meanwhile)."""
        stmt = (
            select(RoutePlan)
            .where(RoutePlan.collector_id == collector_id, RoutePlan.day == day)
            .execution_options(populate_existing=True)
        )
        return self._session.scalars(stmt).one_or_none()

    def set_out_for(self, pickup_ids: Collection[int]) -> list[tuple[int, int, datetime]]:
        """(pickup, collector, since) for each of `pickup_ids` a collector set out for."""
        if not pickup_ids:
            return []
        stmt = select(RoutePlan.heading_to, RoutePlan.collector_id, RoutePlan.heading_since).where(
            RoutePlan.heading_to.in_(pickup_ids), RoutePlan.heading_since.is_not(None)
        )
        return [
            (p, c, since)
            for p, c, since in self._session.execute(stmt)
            if p is not None and since is not None  # the statement's filter; for the checker
        ]

    def add(self, plan: RoutePlan) -> None:
        """Stage and flush a new plan."""
        self._session.add(plan)
        self._session.flush()


CITY_PLAN_LOCK_KEY = 0x6577_6173_7465_02  # "ewaste" + 2: pg_try_advisory_xact_lock's key
"""The advisory lock a worker holds while it plans the city (PostgreSQL)."""


class CityPlanRunRepository:
    """Loads and stores the runs of the city plan, and the worker's claim on the next one."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, run: CityPlanRun) -> None:
        """Stage and flush a run."""
        self._session.add(run)
        self._session.flush()

    def last_of_day(self, day: date) -> CityPlanRun | None:
        """The latest run for `day`, if any."""
        stmt = (
            select(CityPlanRun)
            .where(CityPlanRun.day == day)
            .order_by(CityPlanRun.started_at.desc(), CityPlanRun.id.desc())
            .limit(1)
        )
        return self._session.scalars(stmt).first()

    def try_claim(self) -> bool:
        """Whether this transaction may plan the city now: on PostgreSQL, a transaction-level
        advisory lock another worker does not hold (SQLite has one writer: always)."""
        if is_sqlite(self._session):
            return True
        taken = self._session.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": CITY_PLAN_LOCK_KEY}
        ).scalar_one()
        return bool(taken)
