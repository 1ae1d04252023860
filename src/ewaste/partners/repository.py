"""Statements that load, lock and store the option pool, partners and option events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ewaste.db.session import is_sqlite
from ewaste.partners.models import (
    GrantBalance,
    OptionForfeiture,
    OptionGrant,
    OptionPool,
    OptionPoolChange,
    OptionVesting,
    Partner,
    PartnerRun,
    PartnerStatusChange,
)

POOL_ID = 1


class PartnerRepository:
    """Loads and stores the pool, partners and their grants, vestings and forfeitures."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # --- the pool ----------------------------------------------------------------------

    def pool(self, *, for_update: bool = False) -> OptionPool | None:
        """The pool row; locked when asked, so grants and runs queue one behind another."""
        stmt = select(OptionPool).where(OptionPool.id == POOL_ID)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def add_pool(self, pool: OptionPool) -> None:
        """Store the pool row (id 1)."""
        pool.id = POOL_ID
        self._session.add(pool)
        self._session.flush()

    def record_pool_change(self, change: OptionPoolChange) -> None:
        """Append a configuration row."""
        self._session.add(change)
        self._session.flush()

    # --- partners ----------------------------------------------------------------------

    def partner(self, organisation_id: int, *, for_update: bool = False) -> Partner | None:
        """A partner by organisation id (locked when asked)."""
        stmt = select(Partner).where(Partner.organisation_id == organisation_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def partners(self) -> Sequence[Partner]:
        """Every partner, by organisation id."""
        return self._session.scalars(select(Partner).order_by(Partner.organisation_id)).all()

    def add_partner(self, partner: Partner) -> None:
        """Store a new partner."""
        self._session.add(partner)
        self._session.flush()

    def record_status_change(self, change: PartnerStatusChange) -> None:
        """Append a partner history row."""
        self._session.add(change)
        self._session.flush()

    def status_changes(self, organisation_id: int) -> Sequence[PartnerStatusChange]:
        """A partner's history, oldest first."""
        stmt = (
            select(PartnerStatusChange)
            .where(PartnerStatusChange.organisation_id == organisation_id)
            .order_by(PartnerStatusChange.id)
        )
        return self._session.scalars(stmt).all()

    # --- the monthly run ----------------------------------------------------------------

    def has_run(self, month: str) -> bool:
        """True when the month has been run (no lock: a quick check before locking)."""
        stmt = select(PartnerRun.id).where(PartnerRun.month == month)
        return self._session.execute(stmt).first() is not None

    def start_run(self, run: PartnerRun) -> PartnerRun | None:
        """Insert the month's run row; None when that month has a run already (one
        statement: a run committed by another worker, or waited for, wins)."""
        dialect = sqlite if is_sqlite(self._session) else postgresql
        stmt = (
            dialect.insert(PartnerRun)
            .values(
                month=run.month,
                ran_at=run.ran_at,
                qualified=0,
                lapsed=0,
                granted_shares=0,
                vested_shares=0,
                forfeited_shares=0,
            )
            .on_conflict_do_nothing(index_elements=[PartnerRun.month])
            .returning(PartnerRun.id)
        )
        run_id = self._session.execute(stmt).scalar_one_or_none()
        if run_id is None:
            return None
        return self._session.get(PartnerRun, run_id)

    # --- grants, vesting, forfeiture -------------------------------------------------------

    def add_events(
        self,
        items: Sequence[OptionGrant | OptionVesting | OptionForfeiture],
    ) -> None:
        """Append option events."""
        self._session.add_all(items)
        self._session.flush()

    def balances(self, organisation_ids: Sequence[int] | None = None) -> list[GrantBalance]:
        """Every grant (of the given partners) with its vested and forfeited shares, by id."""
        vested = (
            select(OptionVesting.grant_id, func.sum(OptionVesting.shares).label("shares"))
            .group_by(OptionVesting.grant_id)
            .subquery()
        )
        stmt = (
            select(
                OptionGrant,
                func.coalesce(vested.c.shares, 0),
                func.coalesce(OptionForfeiture.shares, 0),
            )
            .outerjoin(vested, vested.c.grant_id == OptionGrant.id)
            .outerjoin(OptionForfeiture, OptionForfeiture.grant_id == OptionGrant.id)
            .order_by(OptionGrant.id)
        )
        if organisation_ids is not None:
            stmt = stmt.where(OptionGrant.organisation_id.in_(sorted(organisation_ids)))
        return [GrantBalance(grant, int(v), int(f)) for grant, v, f in self._session.execute(stmt)]
