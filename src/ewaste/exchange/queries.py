"""Read models of lots and receipts for pages, API lists and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ewaste.exchange.models import Lot, LotPhoto, LotUnit
from ewaste.exchange.rules import LotStatus
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money


@dataclass(frozen=True, slots=True)
class LotView:
    """A lot as its station, its buyer, plants browsing and staff see it."""

    id: int
    station_id: int
    category_code: str
    hazardous: bool
    status: str
    unit_count: int
    grams: int
    price: Money
    plant_id: int | None
    created_at: datetime
    received_units: int | None
    received_grams: int | None
    unit_codes: tuple[str, ...]
    sale_method: str = "fixed_price"
    photos: tuple[str, ...] = ()
    """Photo references (evidence ids), in the order the station gave them."""


def lot_view(session: Session, lot: Lot) -> LotView:
    """The read model of one lot, with its unit codes."""
    codes = tuple(
        session.scalars(
            select(LotUnit.unit_code).where(LotUnit.lot_id == lot.id).order_by(LotUnit.unit_id)
        )
    )
    photos = tuple(
        session.scalars(
            select(LotPhoto.ref).where(LotPhoto.lot_id == lot.id).order_by(LotPhoto.position)
        )
    )
    return LotView(
        lot.id,
        lot.station_id,
        lot.category_code,
        lot.hazardous,
        lot.status,
        lot.unit_count,
        lot.grams,
        Money(lot.price_fen),
        lot.plant_id,
        lot.created_at,
        lot.received_units,
        lot.received_grams,
        codes,
        lot.sale_method,
        photos,
    )


def readable_by(actor: Actor) -> Select[Lot]:
    """Lots an actor may list: staff all; a station its own; a plant the open ones and its own."""
    stmt = select(Lot)
    if actor.can(Permission.STAFF_LOT_READ):
        return stmt
    if actor.can(Permission.STATION_LOT_READ):
        return stmt.where(Lot.station_id == actor.organisation_id)
    if actor.can(Permission.PLANT_LOT_READ):
        return stmt.where(
            or_(Lot.status == LotStatus.LISTED.value, Lot.plant_id == actor.organisation_id)
        )
    return stmt.where(Lot.id.is_(None))


def lots_for(
    session: Session, *, actor: Actor, status: str | None = None, limit: int = 200
) -> Sequence[LotView]:
    """The lots the actor may see, newest first."""
    stmt = readable_by(actor).order_by(Lot.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(Lot.status == status)
    return [lot_view(session, lot) for lot in session.scalars(stmt)]


def lot_counts_by_status(session: Session) -> dict[str, int]:
    """{status: count} over every lot."""
    stmt = select(Lot.status, func.count(Lot.id)).group_by(Lot.status)
    return {status: int(n) for status, n in session.execute(stmt)}


def units_in_any_lot(session: Session, unit_ids: Sequence[int]) -> set[int]:
    """Those of the unit ids that belong to a lot now (not released from it)."""
    stmt = select(LotUnit.unit_id).where(
        LotUnit.unit_id.in_(unit_ids), LotUnit.released_at.is_(None)
    )
    return set(session.scalars(stmt))
