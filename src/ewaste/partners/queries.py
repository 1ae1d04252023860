"""Read models of the option pool: the pool, a partner's holding and the cap table."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ewaste.partners.models import GrantBalance, OptionPool, Partner
from ewaste.partners.rules import PoolState, PoolTerms, share_basis_points


@dataclass(frozen=True, slots=True)
class PoolView:
    """The pool's size, what is outstanding, what is left, and its terms."""

    total_shares: int
    cap_shares: int
    outstanding_shares: int
    available_shares: int
    cap_basis_points: int
    terms: PoolTerms
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GrantView:
    """One grant and what has become of it."""

    id: int
    organisation_id: int
    month: str
    kind: str
    shares: int
    vested: int
    forfeited: int
    unvested: int
    volume_grams: int
    granted_at: datetime
    vesting_months: int
    cliff_months: int


@dataclass(frozen=True, slots=True)
class CapTableLine:
    """A partner's options: granted, vested, unvested, forfeited, and its share of equity."""

    organisation_id: int
    name: str
    role: str
    status: str
    granted: int
    vested: int
    unvested: int
    forfeited: int
    outstanding: int
    equity_basis_points: int
    """Outstanding options as basis points of the fully diluted equity (floored)."""


@dataclass(frozen=True, slots=True)
class PartnerHolding:
    """A partner's standing and grants."""

    line: CapTableLine
    qualified_month: str
    grants: tuple[GrantView, ...]


@dataclass(frozen=True, slots=True)
class CapTable:
    """The pool against the equity and every partner's line; totals add up to the pool."""

    pool: PoolView
    other_holders_shares: int
    """Equity outside the pool (founders, investors), shares."""
    lines: tuple[CapTableLine, ...]
    granted: int
    vested: int
    unvested: int
    forfeited: int


def pool_view(pool: OptionPool) -> PoolView:
    """Render the pool row."""
    state = pool_state(pool)
    return PoolView(
        total_shares=pool.total_shares,
        cap_shares=pool.cap_shares,
        outstanding_shares=pool.outstanding_shares,
        available_shares=state.available_shares,
        cap_basis_points=share_basis_points(pool.cap_shares, pool.total_shares),
        terms=pool_terms(pool),
        updated_at=pool.updated_at,
    )


def pool_state(pool: OptionPool) -> PoolState:
    """The pool row as the rules see it."""
    return PoolState(pool.total_shares, pool.cap_shares, pool.outstanding_shares)


def pool_terms(pool: OptionPool) -> PoolTerms:
    """The pool row's terms."""
    return PoolTerms(
        threshold_grams=pool.threshold_grams,
        qualify_months=pool.qualify_months,
        monthly_grant_shares=pool.monthly_grant_shares,
        vesting_months=pool.vesting_months,
        cliff_months=pool.cliff_months,
        inactive_months=pool.inactive_months,
    )


def grant_view(b: GrantBalance) -> GrantView:
    """Render a grant with its balance."""
    g = b.grant
    return GrantView(
        id=g.id,
        organisation_id=g.organisation_id,
        month=g.month,
        kind=g.kind,
        shares=g.shares,
        vested=b.vested,
        forfeited=b.forfeited,
        unvested=b.unvested,
        volume_grams=g.volume_grams,
        granted_at=g.granted_at,
        vesting_months=g.vesting_months,
        cliff_months=g.cliff_months,
    )


def cap_table_line(
    partner: Partner, balances: Sequence[GrantBalance], name: str, total_shares: int
) -> CapTableLine:
    """Sum a partner's grants into its cap table line."""
    granted = sum(b.grant.shares for b in balances)
    vested = sum(b.vested for b in balances)
    forfeited = sum(b.forfeited for b in balances)
    unvested = granted - vested - forfeited
    return CapTableLine(
        organisation_id=partner.organisation_id,
        name=name,
        role=partner.role,
        status=partner.status,
        granted=granted,
        vested=vested,
        unvested=unvested,
        forfeited=forfeited,
        outstanding=vested + unvested,
        equity_basis_points=share_basis_points(vested + unvested, total_shares),
    )


def build_cap_table(
    pool: OptionPool,
    partners: Sequence[Partner],
    balances: Sequence[GrantBalance],
    names: Mapping[int, str],
) -> CapTable:
    """The cap table of the pool and its partners."""
    by_partner: dict[int, list[GrantBalance]] = {p.organisation_id: [] for p in partners}
    for b in balances:
        by_partner[b.grant.organisation_id].append(b)
    lines = tuple(
        cap_table_line(
            p, by_partner[p.organisation_id], names.get(p.organisation_id, ""), pool.total_shares
        )
        for p in partners
    )
    return CapTable(
        pool=pool_view(pool),
        other_holders_shares=pool.total_shares - pool.cap_shares,
        lines=lines,
        granted=sum(line.granted for line in lines),
        vested=sum(line.vested for line in lines),
        unvested=sum(line.unvested for line in lines),
        forfeited=sum(line.forfeited for line in lines),
    )


CSV_HEADER = (
    "holder",
    "organisation_id",
    "role",
    "status",
    "granted_shares",
    "vested_shares",
    "unvested_shares",
    "forfeited_shares",
    "outstanding_shares",
    "equity_percent",
)


def _percent(basis_points: int) -> str:
    return f"{basis_points // 100}.{basis_points % 100:02d}"


def cap_table_csv(table: CapTable) -> str:
    """The cap table as CSV: one line per partner, then the pool's unallocated options,
    the rest of the equity, and the total (percent of fully diluted equity, floored)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    pool = table.pool
    for line in table.lines:
        writer.writerow(
            (
                line.name,
                line.organisation_id,
                line.role,
                line.status,
                line.granted,
                line.vested,
                line.unvested,
                line.forfeited,
                line.outstanding,
                _percent(line.equity_basis_points),
            )
        )
    available = pool.available_shares
    writer.writerow(
        (
            "option pool, not granted",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            available,
            _percent(share_basis_points(available, pool.total_shares)),
        )
    )
    writer.writerow(
        (
            "other shareholders",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            table.other_holders_shares,
            _percent(share_basis_points(table.other_holders_shares, pool.total_shares)),
        )
    )
    writer.writerow(
        (
            "total",
            "",
            "",
            "",
            table.granted,
            table.vested,
            table.unvested,
            table.forfeited,
            pool.total_shares,
            "100.00",
        )
    )
    return out.getvalue()
