"""The monthly run: close the last complete month exactly once — vest, forfeit the
unvested options of partners inactive too long, qualify new partners, and grant the
month's options by share of volume."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import credit, identity
from ewaste.partners.models import (
    OptionGrant,
    OptionVesting,
    Partner,
    PartnerRun,
    PartnerStatusChange,
)
from ewaste.partners.queries import pool_terms
from ewaste.partners.repository import PartnerRepository
from ewaste.partners.rules import (
    PartnerEvent,
    PartnerStatus,
    add_months,
    is_inactive,
    last_complete_month,
    month_bounds,
    month_key,
    months_apart,
    parse_month,
    qualifies,
    split_by_volume,
    vested_by_schedule,
)
from ewaste.partners.services import forfeit_unvested, move_partner, take_from_pool


def monthly_volumes(session: Session, month: str, count: int) -> dict[int, list[int]]:
    """{party: grams of each of the `count` months ending with `month`, oldest first} for
    every collector and station with volume in any of them."""
    last = parse_month(month)
    months = [month_key(add_months(last, offset)) for offset in range(1 - count, 1)]
    out: dict[int, list[int]] = {}
    for index, key in enumerate(months):
        start, end = month_bounds(key)
        for party, grams in credit.volumes_between(session, start, end).items():
            out.setdefault(party, [0] * count)[index] = grams
    return out


def close_partner_month(session: Session, *, now: datetime) -> int:
    """Run the last complete month (China time) if it has not been run: 1 if it ran now,
    0 if it had run already or no pool is set up.

    Locks the pool row, then inserts the month's unique run row, so two workers never
    run a month twice (the second finds the row). In order: every open grant vests what
    its schedule reached at the month's close; active partners without volume for
    `inactive_months` lapse and forfeit their unvested options; collectors and stations
    at or above the threshold for `qualify_months` months become (or again become)
    partners; the month's grant budget (at most what the pool has left) is split among
    active partners by their volume of the month, in whole shares (largest remainder).
    """
    repo = PartnerRepository(session)
    month = last_complete_month(now)
    if repo.has_run(month):  # the common case, every worker round: no lock taken
        return 0
    pool = repo.pool(for_update=True)
    if pool is None:
        return 0
    run = repo.start_run(PartnerRun(month=month, ran_at=now))
    if run is None:
        return 0
    terms = pool_terms(pool)
    volumes = monthly_volumes(session, month, terms.months_read)
    partners = {p.organisation_id: p for p in repo.partners()}

    vestings = []
    for b in repo.balances():
        if not b.is_open:
            continue
        target = vested_by_schedule(
            b.grant.shares,
            months_apart(b.grant.month, month),
            vesting_months=b.grant.vesting_months,
            cliff_months=b.grant.cliff_months,
        )
        if target > b.vested:
            vestings.append(
                OptionVesting(grant_id=b.grant.id, month=month, shares=target - b.vested, at=now)
            )
    repo.add_events(vestings)
    run.vested_shares = sum(v.shares for v in vestings)

    for pid, partner in partners.items():
        history = volumes.get(pid, [0] * terms.months_read)
        if partner.status == PartnerStatus.ACTIVE.value and is_inactive(history, terms):
            move_partner(repo, partner, PartnerEvent.LAPSE, now=now, note=f"inactive to {month}")
            run.forfeited_shares += forfeit_unvested(repo, pool, pid, reason="lapse", now=now)
            run.lapsed += 1

    qualified = sorted(pid for pid, history in volumes.items() if qualifies(history, terms))
    labels = identity.organisation_labels(session, qualified)
    for pid in qualified:
        known = partners.get(pid)
        if known is None:
            partner = Partner(
                organisation_id=pid,
                role=labels[pid][0],
                status=PartnerStatus.ACTIVE.value,
                qualified_month=month,
                since=now,
            )
            repo.add_partner(partner)
            partners[pid] = partner
            _first_status(repo, partner, now)
            run.qualified += 1
        elif known.status == PartnerStatus.LAPSED.value:
            move_partner(repo, known, PartnerEvent.REQUALIFY, now=now, note=f"qualified {month}")
            run.qualified += 1

    active_volume = {
        pid: volumes.get(pid, [0])[-1]
        for pid, p in partners.items()
        if p.status == PartnerStatus.ACTIVE.value
    }
    budget = min(terms.monthly_grant_shares, pool.cap_shares - pool.outstanding_shares)
    shares = split_by_volume(budget, active_volume)
    grants = [
        OptionGrant(
            organisation_id=pid,
            month=month,
            kind="monthly",
            shares=n,
            volume_grams=active_volume[pid],
            granted_at=now,
            run_id=run.id,
            vesting_months=terms.vesting_months,
            cliff_months=terms.cliff_months,
        )
        for pid, n in sorted(shares.items())
    ]
    if grants:
        take_from_pool(pool, sum(g.shares for g in grants))
    repo.add_events(grants)
    run.granted_shares = sum(g.shares for g in grants)
    session.flush()
    return 1


def _first_status(repo: PartnerRepository, partner: Partner, now: datetime) -> None:
    repo.record_status_change(
        PartnerStatusChange(
            organisation_id=partner.organisation_id,
            from_status="",
            to_status=partner.status,
            event="qualify",
            at=now,
            note=f"qualified {partner.qualified_month}",
        )
    )
