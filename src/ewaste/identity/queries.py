"""Read models of organisations for pages and lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ewaste.identity.models import Organisation
from ewaste.kernel.geo import GeoPoint


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """An organisation as shown in lists and used by other domains for locations."""

    id: int
    role: str
    name: str
    name_zh: str
    district: str
    location: GeoPoint | None


def _row(org: Organisation) -> OrganisationRow:
    location = GeoPoint(org.lat, org.lon) if org.lat is not None and org.lon is not None else None
    return OrganisationRow(org.id, org.role, org.name, org.name_zh, org.district, location)


def organisation_row(session: Session, organisation_id: int) -> OrganisationRow | None:
    """One organisation's public facts, or None."""
    org = session.get(Organisation, organisation_id)
    return _row(org) if org is not None else None


_ORG = Organisation.__table__.c
_LOCATION = select(_ORG.lat, _ORG.lon).where(_ORG.id == bindparam("id"))


def organisation_location(session: Session, organisation_id: int) -> GeoPoint | None:
    """Where an organisation is based (one narrow statement), or None if unknown."""
    row = session.execute(_LOCATION, {"id": organisation_id}).one_or_none()
    if row is None or row.lat is None or row.lon is None:
        return None
    return GeoPoint(row.lat, row.lon)


def locations_by_role(session: Session, role: str) -> dict[int, GeoPoint]:
    """Where every organisation of `role` that has a location is based, by id."""
    stmt = (
        select(Organisation.id, Organisation.lat, Organisation.lon)
        .where(Organisation.role == role, Organisation.lat.is_not(None))
        .where(Organisation.lon.is_not(None))
        .order_by(Organisation.id)
    )
    return {
        i: GeoPoint(lat, lon)
        for i, lat, lon in session.execute(stmt)
        if lat is not None and lon is not None
    }


def organisations_by_role(session: Session, role: str) -> Sequence[OrganisationRow]:
    """Every organisation of `role`, ordered by id."""
    stmt = select(Organisation).where(Organisation.role == role).order_by(Organisation.id)
    return [_row(org) for org in session.scalars(stmt)]


def organisation_counts(session: Session) -> dict[str, int]:
    """How many organisations exist per role."""
    stmt = select(Organisation.role, func.count()).group_by(Organisation.role)
    return {str(role): int(count) for role, count in session.execute(stmt)}


def organisation_labels(
    session: Session, ids: Sequence[int], *, locale: str = "en"
) -> dict[int, tuple[str, str]]:
    """{id: (role, name)} for the given organisations (unknown ids are left out); the
    Chinese name for a `zh` locale where there is one."""
    if not ids:
        return {}
    stmt = select(Organisation.id, Organisation.role, Organisation.name, Organisation.name_zh)
    rows = session.execute(stmt.where(Organisation.id.in_(set(ids))))
    return {oid: (role, shown_name(name, name_zh, locale)) for oid, role, name, name_zh in rows}


def shown_name(name: str, name_zh: str, locale: str) -> str:
    """The organisation's name in `locale`: the Chinese one for zh where there is one."""
    return name_zh if locale.startswith("zh") and name_zh else name
