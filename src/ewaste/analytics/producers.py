"""The producer's take-back report for extended producer responsibility: units of its
brands collected and dismantled, by brand, category and month (docs/adr/0019).

A unit's brand is known twice: the household names it when it asks for a quote (the
quote item's `producer`, which also earns the producer's bonus), and the plant reads it
from the nameplate when it records the dismantling. Collected units are counted from the
quotes of collected pickups, dismantled units from the dismantling records; both are
matched to the producer's brands by `catalog.brand_key`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste import catalog, identity
from ewaste.analytics.rules import MonthRange, china_month, parse_month_range
from ewaste.analytics.volumes import china_month_sql
from ewaste.compliance.models import DismantlingOutput, DismantlingRecord
from ewaste.custody.models import Unit
from ewaste.identity import Actor, Permission, Role
from ewaste.orders.models import Pickup
from ewaste.pricing.models import Quote


@dataclass(frozen=True, slots=True)
class TakeBackRow:
    """Units of one brand and category in one China month."""

    brand: str
    category: str
    month: str
    collected_units: int
    dismantled_units: int
    dismantled_grams: int
    """The sum of the dismantled units' output fractions, grams."""


@dataclass(frozen=True, slots=True)
class TakeBackReport:
    """A producer's brands and their take-back figures over a month range."""

    producer_id: int
    producer_name: str
    months: MonthRange
    brands: tuple[catalog.BrandView, ...]
    rows: tuple[TakeBackRow, ...]


def _producer(session: Session, actor: Actor, producer_id: int) -> identity.OrganisationRow:
    """The producer the actor may report on; OrganisationNotFound otherwise (another
    producer looks like a missing one to a producer)."""
    if not actor.can(Permission.AUDIT_REPORT_READ):
        actor.require(Permission.PRODUCER_REPORT_READ)
        if producer_id != actor.organisation_id:
            raise identity.OrganisationNotFound(organisation_id=producer_id)
    row = identity.organisation_row(session, producer_id)
    if row is None or row.role != Role.PRODUCER.value:
        raise identity.OrganisationNotFound(organisation_id=producer_id)
    return row


def _collected(
    session: Session, months: MonthRange, names: Mapping[str, str]
) -> dict[tuple[str, str, str], int]:
    """{(brand, category, month): units} from the quotes of pickups collected in range."""
    start, end = months.bounds_utc()
    stmt = (
        select(Pickup.collected_at, Quote.breakdown)
        .join(Quote, Quote.id == Pickup.quote_id)
        .where(Pickup.collected_at >= start, Pickup.collected_at < end)
    )
    out: dict[tuple[str, str, str], int] = {}
    for collected_at, breakdown in session.execute(stmt):
        if collected_at is None:  # pragma: no cover - the WHERE clause excludes it
            continue
        for item in json.loads(breakdown).get("items", ()):
            brand = names.get(catalog.brand_key(str(item.get("producer") or "")))
            if brand is None:
                continue
            key = (brand, str(item["category"]), china_month(collected_at))
            out[key] = out.get(key, 0) + int(item["quantity"])
    return out


def _dismantled(
    session: Session, months: MonthRange, names: Mapping[str, str]
) -> dict[tuple[str, str, str], tuple[int, int]]:
    """{(brand, category, month): (units, grams)} from dismantling records in range."""
    start, end = months.bounds_utc()
    outputs = (
        select(
            DismantlingOutput.record_id.label("record_id"),
            func.sum(DismantlingOutput.grams).label("grams"),
        )
        .group_by(DismantlingOutput.record_id)
        .subquery()
    )
    month = china_month_sql(session, DismantlingRecord.dismantled_at)
    stmt = (
        select(
            DismantlingRecord.brand,
            Unit.category_code,
            month,
            func.count(),
            func.coalesce(func.sum(outputs.c.grams), 0),
        )
        .join(Unit, Unit.id == DismantlingRecord.unit_id)
        .outerjoin(outputs, outputs.c.record_id == DismantlingRecord.id)
        .where(
            DismantlingRecord.brand.in_(sorted(names)),
            DismantlingRecord.dismantled_at >= start,
            DismantlingRecord.dismantled_at < end,
        )
        .group_by(DismantlingRecord.brand, Unit.category_code, month)
    )
    return {
        (names[key], category, m): (int(units), int(grams))
        for key, category, m, units, grams in session.execute(stmt)
    }


def take_back_report(
    session: Session, *, actor: Actor, producer_id: int, first_month: str, last_month: str
) -> TakeBackReport:
    """Units of the producer's brands collected and dismantled, by brand, category, month.

    A producer reads its own report only; operators and regulators read any producer's.
    Raises MissingPermission, OrganisationNotFound (no such producer, or another
    producer's report asked by a producer), InvalidMonthRange.
    """
    producer = _producer(session, actor, producer_id)
    months = parse_month_range(first_month, last_month)
    brands = tuple(catalog.brands(session, producer_id=producer.id))
    names = {b.key: b.name for b in brands}
    collected = _collected(session, months, names) if names else {}
    dismantled = _dismantled(session, months, names) if names else {}
    rows = tuple(
        TakeBackRow(
            brand=key[0],
            category=key[1],
            month=key[2],
            collected_units=collected.get(key, 0),
            dismantled_units=dismantled.get(key, (0, 0))[0],
            dismantled_grams=dismantled.get(key, (0, 0))[1],
        )
        for key in sorted(set(collected) | set(dismantled))
    )
    return TakeBackReport(producer.id, producer.name, months, brands, rows)
