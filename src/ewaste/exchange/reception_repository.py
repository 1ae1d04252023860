"""Every statement that loads or writes reception discrepancies, lot photos and the
standing-bid matching queue (a repository module beside `repository.py`, which is full)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.exchange.models import (
    Lot,
    LotDiscrepancy,
    LotDiscrepancyStatusChange,
    LotDiscrepancyUnit,
    LotFoundUnit,
    LotPhoto,
    LotUnit,
)
from ewaste.exchange.rules import LotStatus, SaleMethod


class ReceptionRepository:
    """Loads and stores discrepancies (with their units and history) and lot photos."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, obj: LotDiscrepancy) -> None:
        """Stage and flush a new discrepancy (its id is needed by its rows)."""
        self._session.add(obj)
        self._session.flush()

    def stage(
        self, rows: Sequence[LotDiscrepancyUnit | LotDiscrepancyStatusChange | LotPhoto]
    ) -> None:
        """Add new rows for the next flush."""
        self._session.add_all(rows)

    def discrepancy_of_lot(self, lot_id: int, *, for_update: bool = False) -> LotDiscrepancy | None:
        """The lot's discrepancy, if its reception did not match (row-locked when asked)."""
        stmt = select(LotDiscrepancy).where(LotDiscrepancy.lot_id == lot_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def discrepancy_units(self, discrepancy_id: int) -> Sequence[LotDiscrepancyUnit]:
        """The discrepancy's missing and extra unit codes, missing first, then by code."""
        stmt = (
            select(LotDiscrepancyUnit)
            .where(LotDiscrepancyUnit.discrepancy_id == discrepancy_id)
            .order_by(LotDiscrepancyUnit.kind.desc(), LotDiscrepancyUnit.unit_code)
        )
        return self._session.scalars(stmt).all()

    def found_units(self, discrepancy_id: int) -> Sequence[LotFoundUnit]:
        """Units of the discrepancy found after the reception (at the plant or at the
        station), oldest first."""
        stmt = (
            select(LotFoundUnit)
            .where(LotFoundUnit.discrepancy_id == discrepancy_id)
            .order_by(LotFoundUnit.id)
        )
        return self._session.scalars(stmt).all()

    def release_unit(self, lot_id: int, unit_code: str, *, at: datetime) -> None:
        """Take the unit out of the lot (its membership row stays, released `at`)."""
        self._session.execute(
            update(LotUnit)
            .where(
                LotUnit.lot_id == lot_id,
                LotUnit.unit_code == unit_code,
                LotUnit.released_at.is_(None),
            )
            .values(released_at=at)
        )

    def add_found_unit(self, found: LotFoundUnit) -> None:
        """Store a unit found after the reception (never updates one)."""
        self._session.add(found)
        self._session.flush()

    def discrepancy_history(self, discrepancy_id: int) -> Sequence[LotDiscrepancyStatusChange]:
        """The discrepancy's transitions, oldest first."""
        stmt = (
            select(LotDiscrepancyStatusChange)
            .where(LotDiscrepancyStatusChange.discrepancy_id == discrepancy_id)
            .order_by(LotDiscrepancyStatusChange.id)
        )
        return self._session.scalars(stmt).all()

    def discrepancies(
        self, party_id: int | None, *, status: str | None, limit: int
    ) -> Sequence[LotDiscrepancy]:
        """Discrepancies newest first: those where `party_id` is the plant or the station, or
        all of them when `party_id` is None (staff); optionally of one status."""
        stmt = select(LotDiscrepancy).order_by(LotDiscrepancy.id.desc()).limit(limit)
        if party_id is not None:
            stmt = stmt.where(
                or_(LotDiscrepancy.plant_id == party_id, LotDiscrepancy.station_id == party_id)
            )
        if status is not None:
            stmt = stmt.where(LotDiscrepancy.status == status)
        return self._session.scalars(stmt).all()

    def photos(self, lot_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """{lot id: its photo references in the order given} for those lots with photos."""
        if not lot_ids:
            return {}
        stmt = (
            select(LotPhoto.lot_id, LotPhoto.ref)
            .where(LotPhoto.lot_id.in_(sorted(set(lot_ids))))
            .order_by(LotPhoto.lot_id, LotPhoto.position)
        )
        out: dict[int, list[str]] = {}
        for lot_id, ref in self._session.execute(stmt):
            out.setdefault(int(lot_id), []).append(str(ref))
        return {k: tuple(v) for k, v in out.items()}

    def recent_listed(self, *, limit: int) -> list[tuple[int, str, int, int, int, str]]:
        """Listed lots newest first, as (id, category, units, grams, price fen, sale method)."""
        stmt = (
            select(
                Lot.id, Lot.category_code, Lot.unit_count, Lot.grams, Lot.price_fen, Lot.sale_method
            )
            .where(Lot.status == LotStatus.LISTED.value)
            .order_by(Lot.id.desc())
            .limit(limit)
        )
        return [
            (int(i), str(c), int(u), int(g), int(p), str(m))
            for i, c, u, g, p, m in self._session.execute(stmt)
        ]

    def claim_lots_to_match(self, *, limit: int) -> Sequence[Lot]:
        """Listed lots waiting for standing-bid matching, oldest first, row-locked with
        SKIP LOCKED on PostgreSQL so that parallel workers take disjoint lots. A lot leaves
        the queue when it is matched (sold) or not (listed at its fixed price)."""
        stmt = (
            select(Lot)
            .where(
                Lot.sale_method == SaleMethod.STANDING_BID.value,
                Lot.status == LotStatus.LISTED.value,
            )
            .order_by(Lot.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()
