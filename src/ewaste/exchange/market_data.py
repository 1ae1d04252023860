"""Market data (a read module, like `queries.py`): clearing prices per category, region and
ISO week from the contracts awarded, and plant capacity utilisation per category this year.

The region of a contract is the province of the buying plant's licence: organisations carry
coordinates, not provinces, and a licence names the province that issued it (ADR 0015).
Weeks are China weeks (Monday to Sunday, Asia/Shanghai), like the capacity year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste.exchange import rules
from ewaste.exchange.licences import CHINA, local_date, year_bounds
from ewaste.exchange.models import Contract, PlantLicence, PlantLicenceCategory
from ewaste.exchange.rules import Clearing
from ewaste.identity import Actor, MissingPermission, Permission
from ewaste.kernel.money import Money

UNKNOWN_REGION = "-"
"""The region of a contract whose plant holds no licence (none can buy today)."""


@dataclass(frozen=True, slots=True)
class ClearingPrice:
    """What the contracts of one category, region and week cleared at."""

    week: str
    category_code: str
    region: str
    contracts: int
    units: int
    grams: int
    total: Money
    per_unit: Money
    per_kg: Money


@dataclass(frozen=True, slots=True)
class CapacityUse:
    """Licensed plant capacity of one category this year and how much is contracted."""

    category_code: str
    plants: int
    licensed_units: int
    contracted_units: int
    idle_units: int
    utilisation_basis_points: int


@dataclass(frozen=True, slots=True)
class MarketData:
    """Clearing prices of the recent weeks (newest week first) and capacity utilisation."""

    weeks: tuple[str, ...]
    prices: tuple[ClearingPrice, ...]
    year: int
    capacity: tuple[CapacityUse, ...]


_VIEWERS = (Permission.STATION_LOT_READ, Permission.PLANT_LOT_READ, Permission.STAFF_LOT_READ)
MAX_WEEKS = 26


def market_data(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    weeks: int = 8,
    category: str | None = None,
) -> MarketData:
    """Market data for a station, a plant or staff (MissingPermission for anyone else):
    clearing prices per category, region and ISO week over the last `weeks` weeks (1-26,
    clamped), optionally of one category, and capacity utilisation this year.

    Only aggregates: no plant, station or contract is named.
    """
    if not any(actor.can(p) for p in _VIEWERS):
        raise MissingPermission(permission=Permission.PLANT_LOT_READ.value)
    today = local_date(now)
    monday, names = rules.recent_weeks(today, max(1, min(weeks, MAX_WEEKS)))
    start = datetime(monday.year, monday.month, monday.day, tzinfo=CHINA)
    end = datetime(today.year, today.month, today.day, tzinfo=CHINA) + timedelta(days=1)
    provinces = _plant_provinces(session)
    stmt = select(
        Contract.category_code,
        Contract.plant_id,
        Contract.awarded_at,
        Contract.unit_count,
        Contract.grams,
        Contract.price_fen,
    ).where(Contract.awarded_at >= start, Contract.awarded_at < end)
    if category is not None:
        stmt = stmt.where(Contract.category_code == category)
    sums: dict[tuple[str, str, str], Clearing] = {}
    for code, plant_id, awarded_at, units, grams, price_fen in session.execute(stmt):
        key = (
            rules.iso_week(local_date(awarded_at)),
            str(code),
            provinces.get(int(plant_id), UNKNOWN_REGION),
        )
        sums[key] = sums.get(key, rules.EMPTY).plus(
            units=int(units), grams=int(grams), price_fen=int(price_fen)
        )
    prices = tuple(
        ClearingPrice(
            week, code, region, c.contracts, c.units, c.grams, c.total, c.per_unit, c.per_kg
        )
        for (week, code, region), c in sorted(
            sums.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])
        )
    )
    ordered = tuple(sorted(prices, key=lambda p: p.week, reverse=True))
    return MarketData(
        weeks=tuple(reversed(names)),
        prices=ordered,
        year=today.year,
        capacity=_capacity(session, now=now, category=category),
    )


def _plant_provinces(session: Session) -> dict[int, str]:
    """{plant id: province of its newest licence}."""
    stmt = select(PlantLicence.plant_id, PlantLicence.province).order_by(
        PlantLicence.plant_id, PlantLicence.valid_to, PlantLicence.id
    )
    return {int(plant): str(province) for plant, province in session.execute(stmt)}


def _capacity(session: Session, *, now: datetime, category: str | None) -> tuple[CapacityUse, ...]:
    today = local_date(now)
    start, end = year_bounds(today)
    licensed_stmt = (
        select(
            PlantLicenceCategory.category_code,
            func.count(func.distinct(PlantLicence.plant_id)),
            func.sum(PlantLicenceCategory.annual_units),
        )
        .join(PlantLicence, PlantLicence.id == PlantLicenceCategory.licence_id)
        .where(PlantLicence.valid_from <= today, PlantLicence.valid_to >= today)
        .group_by(PlantLicenceCategory.category_code)
    )
    used_stmt = (
        select(Contract.category_code, func.sum(Contract.unit_count))
        .where(Contract.awarded_at >= start, Contract.awarded_at < end)
        .group_by(Contract.category_code)
    )
    if category is not None:
        licensed_stmt = licensed_stmt.where(PlantLicenceCategory.category_code == category)
        used_stmt = used_stmt.where(Contract.category_code == category)
    licensed = {str(c): (int(p), int(u or 0)) for c, p, u in session.execute(licensed_stmt)}
    used = {str(c): int(u or 0) for c, u in session.execute(used_stmt)}
    out = []
    for code in sorted(set(licensed) | set(used)):
        plants, units = licensed.get(code, (0, 0))
        contracted = used.get(code, 0)
        out.append(
            CapacityUse(
                code,
                plants,
                units,
                contracted,
                max(units - contracted, 0),
                rules.utilisation_basis_points(contracted, units),
            )
        )
    return tuple(out)
