"""Every statement that loads or writes pickups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.orders.models import DoorAdjustment, Pickup, PickupStatusChange
from ewaste.orders.rules import PickupStatus


class PickupRepository:
    """Loads and stores pickups and their history."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, pickup_id: int) -> Pickup | None:
        """The pickup with this id, if any."""
        return self._session.get(Pickup, pickup_id)

    def get_for_update(self, pickup_id: int) -> Pickup | None:
        """The pickup with this id, row-locked on PostgreSQL."""
        stmt = select(Pickup).where(Pickup.id == pickup_id).with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def add(self, pickup: Pickup) -> None:
        """Stage and flush a new pickup."""
        self._session.add(pickup)
        self._session.flush()

    def add_change(self, change: PickupStatusChange) -> None:
        """Append a history row."""
        self._session.add(change)

    def claim_unconfirmed_past_window(self, *, now: datetime, limit: int) -> Sequence[Pickup]:
        """Requested pickups whose window has ended, locked against other workers."""
        stmt = (
            select(Pickup)
            .where(Pickup.status == PickupStatus.REQUESTED.value, Pickup.window_end <= now)
            .order_by(Pickup.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()

    def claim_waiting_for_assignment(self, *, now: datetime, limit: int) -> Sequence[Pickup]:
        """Requested pickups still inside their window, oldest first, locked against others."""
        stmt = (
            select(Pickup)
            .where(Pickup.status == PickupStatus.REQUESTED.value, Pickup.window_end > now)
            .order_by(Pickup.window_start, Pickup.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()

    def add_adjustments(self, rows: Sequence[DoorAdjustment]) -> None:
        """Store proposed door adjustments."""
        self._session.add_all(rows)
        self._session.flush()

    def adjustments(
        self, pickup_id: int, *, pending_only: bool = False
    ) -> Sequence[DoorAdjustment]:
        """A pickup's door adjustments (only the undecided ones if asked), oldest first."""
        stmt = select(DoorAdjustment).where(DoorAdjustment.pickup_id == pickup_id)
        if pending_only:
            stmt = stmt.where(DoorAdjustment.decision == "pending")
        return self._session.scalars(stmt.order_by(DoorAdjustment.id)).all()

    def door_reach_by_collector(self) -> dict[int, int]:
        """{collector: pickups it reached at the door (collected, declined or adjusting)}."""
        reached = [
            PickupStatus.COLLECTED.value,
            PickupStatus.CANCELLED.value,
            PickupStatus.ADJUSTMENT_PROPOSED.value,
        ]
        stmt = (
            select(Pickup.collector_id, func.count(Pickup.id))
            .where(Pickup.collector_id.is_not(None), Pickup.status.in_(reached))
            .group_by(Pickup.collector_id)
        )
        return {int(c): int(n) for c, n in self._session.execute(stmt) if c is not None}

    def adjusted_by_collector(self) -> dict[int, int]:
        """{collector: pickups on which it proposed at least one adjustment}."""
        stmt = select(
            DoorAdjustment.collector_id, func.count(func.distinct(DoorAdjustment.pickup_id))
        ).group_by(DoorAdjustment.collector_id)
        return {int(c): int(n) for c, n in self._session.execute(stmt)}
