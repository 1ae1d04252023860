"""Every statement that loads or writes receipts and lots."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.exchange.models import Lot, LotStatusChange, LotUnit, StationReceipt


class ExchangeRepository:
    """Loads and stores station receipts, lots and lot membership."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lot(self, lot_id: int) -> Lot | None:
        """The lot with this id, if any."""
        return self._session.get(Lot, lot_id)

    def lot_for_update(self, lot_id: int) -> Lot | None:
        """The lot with this id, row-locked on PostgreSQL."""
        return self._session.scalars(
            select(Lot).where(Lot.id == lot_id).with_for_update()
        ).one_or_none()

    def lot_units(self, lot_id: int) -> Sequence[LotUnit]:
        """The lot's unit memberships, by unit id."""
        stmt = select(LotUnit).where(LotUnit.lot_id == lot_id).order_by(LotUnit.unit_id)
        return self._session.scalars(stmt).all()

    def lots_of_units(self, unit_ids: Sequence[int]) -> dict[int, int]:
        """{unit id: lot id} for those of the units already in a lot."""
        stmt = select(LotUnit.unit_id, LotUnit.lot_id).where(LotUnit.unit_id.in_(unit_ids))
        return {int(u): int(lot) for u, lot in self._session.execute(stmt)}

    def add(self, obj: Lot | StationReceipt) -> None:
        """Stage and flush a new lot or receipt."""
        self._session.add(obj)
        self._session.flush()

    def add_lot_units(self, units: Sequence[LotUnit]) -> None:
        """Record lot membership."""
        self._session.add_all(units)
        self._session.flush()

    def add_change(self, change: LotStatusChange) -> None:
        """Append a history row."""
        self._session.add(change)
