"""Option pool use cases for operators and partners: set up the pool, grant options by
hand, record a partner's departure, read a holding and the cap table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.identity import Actor, Permission
from ewaste.partners.access import access_holding
from ewaste.partners.models import (
    GrantBalance,
    OptionForfeiture,
    OptionGrant,
    OptionPool,
    OptionPoolChange,
    Partner,
    PartnerStatusChange,
)
from ewaste.partners.queries import (
    CapTable,
    GrantView,
    PartnerHolding,
    PoolView,
    build_cap_table,
    cap_table_line,
    grant_view,
    pool_state,
    pool_view,
)
from ewaste.partners.repository import PartnerRepository
from ewaste.partners.rules import (
    PartnerEvent,
    PartnerNotActive,
    PartnerNotFound,
    PartnerStatus,
    PoolNotConfigured,
    PoolState,
    PoolTerms,
    current_month,
)


def configure_pool(
    session: Session,
    *,
    actor: Actor,
    total_shares: int,
    cap_shares: int,
    terms: PoolTerms,
    now: datetime,
) -> PoolView:
    """Set up the pool, or change its size and terms (operators).

    The pool may never be more than 20 % of `total_shares` (PoolOverCap) nor smaller than
    the options outstanding (PoolBelowOutstanding); grants already made keep their
    vesting schedule. Raises MissingPermission, InvalidPoolTerms. Every configuration
    is kept (option_pool_change).
    """
    actor.require(Permission.STAFF_OPTION_WRITE)
    repo = PartnerRepository(session)
    pool = repo.pool(for_update=True)
    if pool is None:
        PoolState(total_shares, cap_shares, 0)
        pool = OptionPool(outstanding_shares=0)
        _set_terms(pool, total_shares, cap_shares, terms, now)
        repo.add_pool(pool)
    else:
        pool_state(pool).resize(total_shares, cap_shares)
        _set_terms(pool, total_shares, cap_shares, terms, now)
        session.flush()
    repo.record_pool_change(
        OptionPoolChange(
            at=now,
            by_user=actor.user_id,
            total_shares=total_shares,
            cap_shares=cap_shares,
            terms=" ".join(f"{k}={v}" for k, v in vars_of(terms).items()),
        )
    )
    return pool_view(pool)


def vars_of(terms: PoolTerms) -> dict[str, int]:
    """The terms as name → value, in declaration order."""
    return {
        "threshold_grams": terms.threshold_grams,
        "qualify_months": terms.qualify_months,
        "monthly_grant_shares": terms.monthly_grant_shares,
        "vesting_months": terms.vesting_months,
        "cliff_months": terms.cliff_months,
        "inactive_months": terms.inactive_months,
    }


def _set_terms(
    pool: OptionPool, total_shares: int, cap_shares: int, terms: PoolTerms, now: datetime
) -> None:
    pool.total_shares = total_shares
    pool.cap_shares = cap_shares
    for name, value in vars_of(terms).items():
        setattr(pool, name, value)
    pool.updated_at = now


def locked_pool(repo: PartnerRepository) -> OptionPool:
    """The pool row, locked; PoolNotConfigured when there is none."""
    pool = repo.pool(for_update=True)
    if pool is None:
        raise PoolNotConfigured
    return pool


def take_from_pool(pool: OptionPool, shares: int) -> None:
    """Grant `shares` from the locked pool row: the rule refuses (PoolExhausted,
    InvalidShares) before the row changes; the row's CHECK is the second guard."""
    pool.outstanding_shares = pool_state(pool).grant(shares).outstanding_shares


def return_to_pool(pool: OptionPool, shares: int) -> None:
    """Put forfeited `shares` back into the locked pool row."""
    pool.outstanding_shares = pool_state(pool).forfeit(shares).outstanding_shares


def grant_options(
    session: Session, *, actor: Actor, organisation_id: int, shares: int, now: datetime
) -> GrantView:
    """Grant `shares` options to an active partner by hand (operators), vesting from this
    month on the pool's schedule.

    The pool row is locked first, so parallel grants queue and never together exceed the
    pool. Raises MissingPermission, PoolNotConfigured, PartnerNotFound, PartnerNotActive,
    InvalidShares, PoolExhausted.
    """
    actor.require(Permission.STAFF_OPTION_WRITE)
    repo = PartnerRepository(session)
    pool = locked_pool(repo)
    partner = repo.partner(organisation_id)
    if partner is None:
        raise PartnerNotFound(organisation_id=organisation_id)
    if partner.status != PartnerStatus.ACTIVE.value:
        raise PartnerNotActive(organisation_id=organisation_id, status=partner.status)
    take_from_pool(pool, shares)
    grant = OptionGrant(
        organisation_id=organisation_id,
        month=current_month(now),
        kind="discretionary",
        shares=shares,
        volume_grams=0,
        granted_at=now,
        by_user=actor.user_id,
        vesting_months=pool.vesting_months,
        cliff_months=pool.cliff_months,
    )
    repo.add_events([grant])
    return grant_view(GrantBalance(grant, 0, 0))


def forfeit_unvested(
    repo: PartnerRepository, pool: OptionPool, organisation_id: int, *, reason: str, now: datetime
) -> int:
    """Forfeit every open grant's unvested options back to the locked pool; returns them."""
    forfeits = [
        OptionForfeiture(grant_id=b.grant.id, shares=b.unvested, reason=reason, at=now)
        for b in repo.balances([organisation_id])
        if b.is_open
    ]
    total = sum(f.shares for f in forfeits)
    return_to_pool(pool, total)
    repo.add_events(forfeits)
    return total


def move_partner(
    repo: PartnerRepository, partner: Partner, event: PartnerEvent, *, now: datetime, note: str = ""
) -> None:
    """Apply `event` to the partner and append its history row."""
    before, after = partner.apply(event)
    repo.record_status_change(
        PartnerStatusChange(
            organisation_id=partner.organisation_id,
            from_status=before,
            to_status=after,
            event=event.value,
            at=now,
            note=note[:200],
        )
    )


def record_departure(
    session: Session, *, actor: Actor, organisation_id: int, now: datetime, note: str = ""
) -> PartnerHolding:
    """A partner leaves the platform (operators): its unvested options are forfeited back
    to the pool; what has vested stays its own. Raises MissingPermission,
    PoolNotConfigured, PartnerNotFound, IllegalPartnerTransition (it left already)."""
    actor.require(Permission.STAFF_OPTION_WRITE)
    repo = PartnerRepository(session)
    pool = locked_pool(repo)
    partner = repo.partner(organisation_id, for_update=True)
    if partner is None:
        raise PartnerNotFound(organisation_id=organisation_id)
    move_partner(repo, partner, PartnerEvent.LEAVE, now=now, note=note)
    forfeit_unvested(repo, pool, organisation_id, reason="leave", now=now)
    session.flush()
    return _holding(session, repo, pool, partner)


def _holding(
    session: Session,
    repo: PartnerRepository,
    pool: OptionPool,
    partner: Partner,
    locale: str = "en",
) -> PartnerHolding:
    balances = repo.balances([partner.organisation_id])
    names = identity.organisation_labels(session, [partner.organisation_id], locale=locale)
    name = names.get(partner.organisation_id, ("", ""))[1]
    return PartnerHolding(
        line=cap_table_line(partner, balances, name, pool.total_shares),
        qualified_month=partner.qualified_month,
        grants=tuple(grant_view(b) for b in balances),
    )


def partner_holding(
    session: Session, *, actor: Actor, organisation_id: int, locale: str = "en"
) -> PartnerHolding:
    """A partner's standing and grants, named in `locale`: its own for a collector or
    station, any for staff. Raises PartnerNotFound (also for another party's),
    PoolNotConfigured."""
    access_holding(actor=actor, organisation_id=organisation_id)
    repo = PartnerRepository(session)
    partner = repo.partner(organisation_id)
    if partner is None:
        raise PartnerNotFound(organisation_id=organisation_id)
    pool = repo.pool()
    if pool is None:  # pragma: no cover - a partner exists only once a pool does
        raise PoolNotConfigured
    return _holding(session, repo, pool, partner, locale)


def cap_table(session: Session, *, actor: Actor, locale: str = "en") -> CapTable:
    """The cap table, holders named in `locale` (operators). Raises MissingPermission,
    PoolNotConfigured."""
    actor.require(Permission.STAFF_OPTION_READ)
    repo = PartnerRepository(session)
    pool = repo.pool()
    if pool is None:
        raise PoolNotConfigured
    partners = repo.partners()
    labels = identity.organisation_labels(
        session, [p.organisation_id for p in partners], locale=locale
    )
    names = {oid: name for oid, (_role, name) in labels.items()}
    return build_cap_table(pool, partners, repo.balances(), names)
