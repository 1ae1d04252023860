"""The platform overview: what operators, regulators and the demo summary show."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ewaste import catalog, compliance, custody, exchange, identity, ledger, orders
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money


@dataclass(frozen=True, slots=True)
class CategoryLine:
    """Units and mass collected in one category."""

    code: str
    name_en: str
    name_zh: str
    units: int
    grams: int


@dataclass(frozen=True, slots=True)
class Overview:
    """Platform-wide figures: volumes, money by account kind, and integrity checks."""

    organisations: dict[str, int]
    pickups: dict[str, int]
    lots: dict[str, int]
    units_by_status: dict[str, int]
    categories: tuple[CategoryLine, ...]
    money_by_kind: dict[str, Money]
    recovered_grams: dict[str, int]
    ledger_balanced: bool
    chains_complete: int
    chains_total: int


def overview(session: Session) -> Overview:
    """Compute the overview from every domain's public queries (read-only)."""
    names = {c.code: c for c in catalog.categories(session)}
    per_category = custody.units_and_grams_by_category(session)
    lines = tuple(
        CategoryLine(code, names[code].name_en, names[code].name_zh, units, grams)
        for code, (units, grams) in sorted(per_category.items())
    )
    complete, total = custody.chain_completeness(session)
    return Overview(
        organisations=identity.organisation_counts(session),
        pickups=orders.pickup_counts_by_status(session),
        lots=exchange.lot_counts_by_status(session),
        units_by_status=custody.units_by_status(session),
        categories=lines,
        money_by_kind=ledger.totals_by_kind(session),
        recovered_grams=compliance.recovered_grams_by_fraction(session),
        ledger_balanced=ledger.is_balanced(session),
        chains_complete=complete,
        chains_total=total,
    )


def overview_for(session: Session, *, actor: Actor) -> Overview:
    """The overview for operators and regulators. Raises MissingPermission for others."""
    actor.require(Permission.AUDIT_REPORT_READ)
    return overview(session)
