"""Credit use cases: score the parties due this period (the worker), read a score with
its explanation, and the settlement terms a party's latest score earns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste.credit.access import access_party_score
from ewaste.credit.history import histories
from ewaste.credit.models import CreditScore
from ewaste.credit.queries import ScoreView, score_view
from ewaste.credit.repository import CreditRepository
from ewaste.credit.rules import (
    DEFAULT_POLICY,
    FORMULA_VERSION,
    ScoreNotFound,
    SettlementPolicy,
    SettlementTerms,
    credit_period,
    score_breakdown,
    settlement_tier,
    terms_for,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.clock import CHINA_TIME

HISTORY_LIMIT = 104
"""Two years of weekly scores."""


def score_due_parties(session: Session, *, now: datetime, limit: int) -> int:
    """Score up to `limit` collectors and stations not yet scored in this period (the
    ISO week of `now`, China time); returns how many were scored.

    Each party is claimed with SKIP LOCKED and its score row is unique per period, so
    parallel workers score each party exactly once a period. New parties are enrolled
    first. Reads each party's history as of `now` (credit.history).
    """
    repo = CreditRepository(session)
    repo.enrol_new_parties()
    period = credit_period(now)
    due = repo.claim_due(period, limit=limit)
    if not due:
        return 0
    found = histories(session, [(p.organisation_id, p.role) for p in due], now=now)
    rows = []
    for party in due:
        history = found[party.organisation_id]
        score = score_breakdown(history).score
        rows.append(
            CreditScore(
                organisation_id=party.organisation_id,
                role=party.role,
                period=period,
                computed_at=now,
                formula_version=FORMULA_VERSION,
                score=score,
                tier=settlement_tier(score).value,
                volume_grams=history.volume_grams,
                months_active=history.months_active,
                on_time=history.on_time,
                late=history.late,
                accurate=history.accurate,
                inaccurate=history.inaccurate,
                clean=history.clean,
                disputes_lost=history.disputes_lost,
                completed=history.completed,
                cancelled=history.cancelled,
            )
        )
    repo.add_scores(rows)
    for party, row in zip(due, rows, strict=True):
        party.last_period = period
        party.last_score_id = row.id
    session.flush()
    return len(due)


def credit_score(session: Session, *, actor: Actor, organisation_id: int) -> ScoreView:
    """The party's latest score with each factor's contribution: its own for a collector
    or station, any party's for staff. Raises ScoreNotFound (also for another party's)."""
    access_party_score(actor=actor, organisation_id=organisation_id)
    row = CreditRepository(session).latest(organisation_id)
    if row is None:
        raise ScoreNotFound(organisation_id=organisation_id)
    return score_view(row)


def credit_history(
    session: Session, *, actor: Actor, organisation_id: int, limit: int = HISTORY_LIMIT
) -> list[ScoreView]:
    """The party's scores, newest first (same access as credit_score). Raises
    ScoreNotFound for a party never scored, as for one the actor may not see."""
    access_party_score(actor=actor, organisation_id=organisation_id)
    rows = CreditRepository(session).history(organisation_id, limit=limit)
    if not rows:
        raise ScoreNotFound(organisation_id=organisation_id)
    return [score_view(r) for r in rows]


def credit_scores(session: Session, *, actor: Actor) -> list[ScoreView]:
    """Every scored party's latest score, for staff. Raises MissingPermission."""
    actor.require(Permission.STAFF_CREDIT_READ)
    return [score_view(r) for r in CreditRepository(session).latest_of_everyone()]


def settlement_terms(
    session: Session,
    organisation_id: int,
    on: datetime,
    *,
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> SettlementTerms:
    """The settlement terms of a seller on `on`: the tier of its latest score computed at
    or before `on`, the guaranteed advance limit and the holding period.

    For settlement (issue 6, point 3), which runs without an actor: top tier (score
    >= 750) is paid at award with the platform guaranteeing up to `advance_limit`;
    middle (>= 550) at reception; a new party (never scored) or a low score waits
    `holding` after reception. Never raises for an unknown party: it is new.
    """
    return settlement_terms_of(session, [organisation_id], on, policy=policy)[organisation_id]


def settlement_terms_of(
    session: Session,
    organisation_ids: Sequence[int],
    on: datetime,
    *,
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> dict[int, SettlementTerms]:
    """`settlement_terms` of many sellers at once (one statement), by seller."""
    scores = CreditRepository(session).latest_of(organisation_ids, at=on)
    terms: dict[int, SettlementTerms] = {}
    for organisation_id in organisation_ids:
        row = scores.get(organisation_id)
        terms[organisation_id] = (
            terms_for(None, policy=policy)
            if row is None
            else terms_for(
                row.score,
                scored_on=row.computed_at.astimezone(CHINA_TIME).date(),
                policy=policy,
            )
        )
    return terms
