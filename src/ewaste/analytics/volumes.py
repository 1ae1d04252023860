"""The regulator's volume report: units and grams by category, province, month, source
channel and plant, collected or dismantled, aggregated in the database (docs/adr/0019).

Analytics is the platform's read model: it reads other domains' tables directly, never
writes, and every figure is a SQL aggregate so the cost follows the number of groups
returned, not the number of units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.analytics.rules import (
    CHANNEL_PREFIXES,
    OTHER_CHANNEL,
    Basis,
    Dimension,
    MonthRange,
    parse_basis,
    parse_dimensions,
    parse_month_range,
)
from ewaste.compliance.models import DismantlingOutput, DismantlingRecord
from ewaste.custody.models import Unit
from ewaste.exchange.models import PlantLicence
from ewaste.identity import Actor, Permission


@dataclass(frozen=True, slots=True)
class VolumeRow:
    """One group: its keys ("" for a dimension not grouped by) and its totals."""

    category: str
    province: str
    """The province of the dismantling plant's licence ("" when none is known yet)."""
    month: str
    channel: str
    plant_id: int | None
    plant_name: str
    units: int
    grams: int
    """Collected: door mass. Dismantled: the sum of the recorded output fractions."""


@dataclass(frozen=True, slots=True)
class VolumeReport:
    """Volumes of a month range, grouped by `dimensions`."""

    basis: Basis
    months: MonthRange
    dimensions: tuple[Dimension, ...]
    rows: tuple[VolumeRow, ...]

    @property
    def units(self) -> int:
        """Units over every row."""
        return sum(r.units for r in self.rows)

    @property
    def grams(self) -> int:
        """Grams over every row."""
        return sum(r.grams for r in self.rows)


def china_month_sql(session: Session, column: Any) -> ColumnElement[str]:
    """YYYY-MM of a UTC timestamp column in China time (UTC+8, no daylight saving)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def channel_sql(source_ref: Any) -> ColumnElement[str]:
    """`rules.channel_of` as a SQL expression."""
    return case(
        *((source_ref.startswith(prefix), literal(c)) for prefix, c in CHANNEL_PREFIXES.items()),
        else_=literal(OTHER_CHANNEL),
    )


def volume_report(
    session: Session,
    *,
    actor: Actor,
    basis: str,
    first_month: str,
    last_month: str,
    group_by: Sequence[str] = (),
    locale: str = "en",
) -> VolumeReport:
    """Units and grams per group for operators and regulators (plants named in `locale`).

    Raises MissingPermission, InvalidMonthRange, InvalidDimension, InvalidBasis.
    """
    actor.require(Permission.AUDIT_REPORT_READ)
    months = parse_month_range(first_month, last_month)
    dimensions = parse_dimensions(group_by)
    chosen = parse_basis(basis)
    start, end = months.bounds_utc()
    outputs = (
        select(
            DismantlingOutput.record_id.label("record_id"),
            func.sum(DismantlingOutput.grams).label("grams"),
        )
        .group_by(DismantlingOutput.record_id)
        .subquery()
    )
    provinces = (
        select(PlantLicence.plant_id.label("plant_id"), func.min(PlantLicence.province).label("p"))
        .group_by(PlantLicence.plant_id)
        .subquery()
    )
    when = DismantlingRecord.dismantled_at if chosen is Basis.DISMANTLED else Unit.tagged_at
    grams = outputs.c.grams if chosen is Basis.DISMANTLED else Unit.door_grams
    keys: dict[Dimension, Any] = {
        Dimension.CATEGORY: Unit.category_code,
        Dimension.PROVINCE: func.coalesce(provinces.c.p, ""),
        Dimension.MONTH: china_month_sql(session, when),
        Dimension.CHANNEL: channel_sql(Unit.source_ref),
        Dimension.PLANT: DismantlingRecord.plant_id,
    }
    grouped = [keys[d].label(d.value) for d in dimensions]
    stmt = select(
        *grouped,
        func.count().label("units"),
        func.coalesce(func.sum(grams), 0).label("grams"),
    )
    if chosen is Basis.DISMANTLED:
        stmt = stmt.select_from(DismantlingRecord).join(Unit, Unit.id == DismantlingRecord.unit_id)
    else:
        stmt = stmt.select_from(Unit).outerjoin(
            DismantlingRecord, DismantlingRecord.unit_id == Unit.id
        )
    stmt = (
        stmt.outerjoin(outputs, outputs.c.record_id == DismantlingRecord.id)
        .outerjoin(provinces, provinces.c.plant_id == DismantlingRecord.plant_id)
        .where(when >= start, when < end)
    )
    if grouped:
        stmt = stmt.group_by(*(keys[d] for d in dimensions)).order_by(
            *(keys[d] for d in dimensions)
        )
    found = session.execute(stmt).mappings().all()
    plant_ids = sorted({int(r["plant"]) for r in found if r.get("plant") is not None})
    names = identity.organisation_labels(session, plant_ids, locale=locale)
    rows = tuple(
        VolumeRow(
            category=r.get("category") or "",
            province=r.get("province") or "",
            month=r.get("month") or "",
            channel=r.get("channel") or "",
            plant_id=int(r["plant"]) if r.get("plant") is not None else None,
            plant_name=names[int(r["plant"])][1] if r.get("plant") is not None else "",
            units=int(r["units"]),
            grams=int(r["grams"]),
        )
        for r in found
        if int(r["units"]) > 0
    )
    return VolumeReport(chosen, months, dimensions, rows)
