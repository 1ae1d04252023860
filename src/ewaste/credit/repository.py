"""Statements that load, claim and store credit scores and scored parties."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Integer, column, func, or_, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ewaste.credit.models import CreditParty, CreditScore
from ewaste.credit.rules import SCORED_ROLES
from ewaste.db.session import is_sqlite

_organisation = table("organisation", column("id", Integer), column("role"))


class CreditRepository:
    """Loads and stores credit scores and the parties the worker scores."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def enrol_new_parties(self) -> None:
        """Give every collector and station without one its credit_party row (one
        statement; a row enrolled by a concurrent worker is kept)."""
        dialect = sqlite if is_sqlite(self._session) else postgresql
        new = select(_organisation.c.id, _organisation.c.role).where(
            _organisation.c.role.in_(SCORED_ROLES),
            _organisation.c.id.not_in(select(CreditParty.organisation_id)),
        )
        stmt = (
            dialect.insert(CreditParty)
            .from_select(["organisation_id", "role"], new)
            .on_conflict_do_nothing(index_elements=[CreditParty.organisation_id])
        )
        self._session.execute(stmt)

    def claim_due(self, period: str, *, limit: int) -> Sequence[CreditParty]:
        """Parties not yet scored in `period`, by id, claimed with SKIP LOCKED on PostgreSQL
        so that parallel workers take disjoint parties."""
        stmt = (
            select(CreditParty)
            .where(or_(CreditParty.last_period.is_(None), CreditParty.last_period != period))
            .order_by(CreditParty.organisation_id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()

    def add_scores(self, scores: Sequence[CreditScore]) -> None:
        """Append score rows (the unique (party, period) refuses a second one)."""
        self._session.add_all(scores)
        self._session.flush()

    def latest(self, organisation_id: int, *, at: datetime | None = None) -> CreditScore | None:
        """The party's newest score (computed at or before `at`, when given)."""
        stmt = select(CreditScore).where(CreditScore.organisation_id == organisation_id)
        if at is not None:
            stmt = stmt.where(CreditScore.computed_at <= at)
        stmt = stmt.order_by(CreditScore.computed_at.desc(), CreditScore.id.desc()).limit(1)
        return self._session.scalars(stmt).first()

    def latest_of(self, organisation_ids: Sequence[int], *, at: datetime) -> dict[int, CreditScore]:
        """Each party's newest score computed at or before `at`, by party (one statement);
        a party never scored by then is absent."""
        if not organisation_ids:
            return {}
        ranked = (
            select(
                CreditScore.id,
                func.row_number()
                .over(
                    partition_by=CreditScore.organisation_id,
                    order_by=(CreditScore.computed_at.desc(), CreditScore.id.desc()),
                )
                .label("rank"),
            )
            .where(
                CreditScore.organisation_id.in_(sorted(set(organisation_ids))),
                CreditScore.computed_at <= at,
            )
            .subquery()
        )
        stmt = (
            select(CreditScore)
            .join(ranked, ranked.c.id == CreditScore.id)
            .where(ranked.c.rank == 1)
        )
        return {row.organisation_id: row for row in self._session.scalars(stmt)}

    def history(self, organisation_id: int, *, limit: int) -> Sequence[CreditScore]:
        """The party's scores, newest first."""
        stmt = (
            select(CreditScore)
            .where(CreditScore.organisation_id == organisation_id)
            .order_by(CreditScore.computed_at.desc(), CreditScore.id.desc())
            .limit(limit)
        )
        return self._session.scalars(stmt).all()

    def latest_of_everyone(self) -> Sequence[CreditScore]:
        """Every scored party's latest score, by party."""
        stmt = (
            select(CreditScore)
            .join(CreditParty, CreditParty.last_score_id == CreditScore.id)
            .order_by(CreditScore.organisation_id)
        )
        return self._session.scalars(stmt).all()
