"""Every statement that loads or writes units and custody events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste.custody.models import CustodyEvent, Unit


class CustodyRepository:
    """Loads units (optionally locked) and appends custody events."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def unit_by_code(self, code: str) -> Unit | None:
        """The unit with this code, if any."""
        return self._session.scalars(select(Unit).where(Unit.code == code)).one_or_none()

    def units_by_codes_for_update(self, codes: Sequence[str]) -> Sequence[Unit]:
        """Units with these codes, locked in id order (PostgreSQL)."""
        stmt = select(Unit).where(Unit.code.in_(codes)).order_by(Unit.id).with_for_update()
        return self._session.scalars(stmt).all()

    def units_by_ids(self, unit_ids: Sequence[int]) -> Sequence[Unit]:
        """Units with these ids, in id order."""
        return self._session.scalars(
            select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id)
        ).all()

    def add_unit(self, unit: Unit) -> None:
        """Stage and flush a new unit."""
        self._session.add(unit)
        self._session.flush()

    def last_seq(self, unit_id: int) -> int:
        """The sequence number of the unit's latest event (0 when it has none)."""
        stmt = select(func.coalesce(func.max(CustodyEvent.seq), 0)).where(
            CustodyEvent.unit_id == unit_id
        )
        return int(self._session.execute(stmt).scalar_one())

    def append_event(self, event: CustodyEvent) -> None:
        """Append an event (never updates one)."""
        self._session.add(event)
        self._session.flush()

    def handled_by(self, unit_id: int, organisation_id: int) -> bool:
        """True when the organisation gave or received the unit in some event."""
        stmt = (
            select(CustodyEvent.id)
            .where(CustodyEvent.unit_id == unit_id)
            .where(
                (CustodyEvent.from_id == organisation_id) | (CustodyEvent.to_id == organisation_id)
            )
            .limit(1)
        )
        return self._session.execute(stmt).first() is not None
