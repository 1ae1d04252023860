"""Due work and the loop that runs it.

State lives in the domain tables: a job picks rows that are due, locks them with
SKIP LOCKED on PostgreSQL so parallel workers take disjoint rows, moves them along
their state table and commits. A worker that dies mid-batch rolls back; the rows are
due again for the next worker. Nothing is lost and nothing runs twice, because the
transition itself (open → expired) is what marks the work as done. Periodic work keeps
its schedule in its rows too: re-optimising a collector's route of today stamps its
plan's `reviewed_at`, and the route is due again `dispatch.REVIEW_EVERY` later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy.orm import Session, sessionmaker

from ewaste import (
    credit,
    custody,
    dispatch,
    exchange,
    identity,
    orders,
    partners,
    pricing,
    settlement,
)
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.kernel.clock import Clock
from ewaste.worker import heartbeat

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True, slots=True)
class Job:
    """A named unit of due work: takes at most `batch` objects, returns how many it took."""

    name: str
    run: Callable[[Session, datetime, int], int]
    batch: int = BATCH


def _expire_quotes(session: Session, now: datetime, limit: int) -> int:
    return pricing.expire_due_quotes(session, now=now, limit=limit)


def _expire_pickups(session: Session, now: datetime, limit: int) -> int:
    return orders.expire_unconfirmed_pickups(session, now=now, limit=limit)


def _expire_offers(session: Session, now: datetime, limit: int) -> int:
    return dispatch.expire_offers(session, now=now, limit=limit)


def _assign_pickups(session: Session, now: datetime, limit: int) -> int:
    try:
        operator = identity.first_operator(session)
    except identity.OrganisationNotFound:
        return 0
    return dispatch.assign_waiting_pickups(session, actor=operator, now=now, limit=limit).assigned


def _reoptimise_routes(session: Session, now: datetime, limit: int) -> int:
    # A route is due once per dispatch.REVIEW_EVERY of worker time (its plan records when
    # it was last reviewed), so running this every round costs nothing when none is due.
    return len(dispatch.reoptimise_routes(session, now=now, limit=limit))


def _plan_city(session: Session, now: datetime, limit: int) -> int:
    # Today's routes across all collectors, every EWASTE_CITY_PLAN_EVERY_MINUTES after the
    # last city plan (the run rows are the schedule); one worker at a time (advisory lock).
    settings = Settings()
    if not settings.city_plan_every_minutes:
        return 0
    try:
        operator = identity.first_operator(session)
    except identity.OrganisationNotFound:
        return 0
    done = dispatch.plan_city_if_due(
        session,
        actor=operator,
        now=now,
        every=timedelta(minutes=settings.city_plan_every_minutes),
        seconds=settings.city_plan_seconds,
    )
    return int(done is not None)


def _close_auctions(session: Session, now: datetime, limit: int) -> int:
    # Each due auction is claimed with SKIP LOCKED and leaves "open" as it closes: two
    # workers never close the same auction.
    return exchange.close_due_auctions(session, now=now, limit=limit)


def _match_standing_bids(session: Session, now: datetime, limit: int) -> int:
    # Lots listed for standing bids, claimed with SKIP LOCKED and matched as one set-based
    # batch; each leaves the queue (sold, or listed at its fixed price) as it is matched, so
    # no lot is matched twice. The truck's rate per km comes from the worker's settings.
    return exchange.match_waiting_lots(
        session, now=now, limit=limit, transport_fen_per_km=Settings().transport_fen_per_km
    )


def _score_credit(session: Session, now: datetime, limit: int) -> int:
    # Each collector and station is claimed with SKIP LOCKED and scored once per ISO
    # week (its score row is unique per party and week): docs/adr/0018.
    return credit.score_due_parties(session, now=now, limit=limit)


def _release_settlements(session: Session, now: datetime, limit: int) -> int:
    # Held proceeds past their holding period, claimed with SKIP LOCKED; each leaves "held"
    # as its one release entry is posted, so no share is released twice (docs/adr/0020).
    return settlement.release_due(session, now=now, limit=limit)


def _close_partner_month(session: Session, now: datetime, limit: int) -> int:
    # Closes the last complete month once: the pool row is locked and the month's
    # run row is unique, so a second worker finds the month done (returns 0).
    return partners.close_partner_month(session, now=now)


@cache
def _custody_signer(setting: str, env: str) -> custody.Signer:
    return custody.load_signer(setting, env=env)


def _checkpoint_custody(session: Session, now: datetime, limit: int) -> int:
    # Signs the chain's head every custody.chain.CHECKPOINT_EVERY_EVENTS events or
    # CHECKPOINT_EVERY minutes (docs/adr/0013); the key comes from the worker's settings.
    settings = Settings()
    signer = _custody_signer(settings.custody_signing_key, settings.env)
    return int(custody.checkpoint_if_due(session, signer=signer, now=now) is not None)


def _issue_certificates(session: Session, now: datetime, limit: int) -> int:
    # Certificates asked for on the web, claimed with SKIP LOCKED and signed (or refused)
    # once each: the worker is the one process that holds the signing key (docs/adr/0016).
    settings = Settings()
    signer = _custody_signer(settings.custody_signing_key, settings.env)
    return custody.issue_requested_certificates(session, signer=signer, now=now, limit=limit)


JOBS: tuple[Job, ...] = (
    Job("expire_quotes", _expire_quotes),
    Job("expire_pickups", _expire_pickups),
    Job("expire_offers", _expire_offers),
    Job("assign_pickups", _assign_pickups),
    Job("close_auctions", _close_auctions, batch=100),
    Job("match_standing_bids", _match_standing_bids, batch=1000),
    Job("issue_certificates", _issue_certificates, batch=100),
    Job("checkpoint_custody", _checkpoint_custody, batch=1),
    Job("score_credit", _score_credit, batch=200),
    Job("release_settlements", _release_settlements, batch=200),
    Job("close_partner_month", _close_partner_month, batch=1),
    # A few routes per transaction: their collectors' profile locks are held while PyVRP
    # searches, and an assignment round waits for them.
    Job("reoptimise_routes", _reoptimise_routes, batch=4),
    # Holds no profile lock while it searches (EWASTE_CITY_PLAN_SECONDS); applies under them.
    Job("plan_city_routes", _plan_city, batch=1),
)


def run_due_jobs(
    factory: sessionmaker[Session], clock: Clock, *, jobs: tuple[Job, ...] = JOBS
) -> dict[str, int]:
    """Run each job until it finds nothing due; one transaction per batch. Returns counts."""
    done: dict[str, int] = {}
    for job in jobs:
        total = 0
        while True:
            with transaction(factory) as session:
                moved = job.run(session, clock.now(), job.batch)
            total += moved
            if moved < job.batch:
                break
        done[job.name] = total
    return done


def run_forever(
    factory: sessionmaker[Session],
    clock: Clock,
    *,
    interval_seconds: float,
    stop: threading.Event,
    on_round: Callable[[dict[str, int]], None] | None = None,
) -> None:
    """Run due jobs every `interval_seconds` until `stop` is set. A job that fails is logged
    and retried next round; the jobs after it still run (a certificate the key may not
    sign must not stop checkpoints, settlements or routes). Each round leaves a heartbeat
    (`worker.heartbeat`), so the staff page can tell when no worker runs."""
    name, started = heartbeat.this_worker(), clock.now()
    while not stop.is_set():
        counts: dict[str, int] = {}
        for job in JOBS:
            try:
                counts.update(run_due_jobs(factory, clock, jobs=(job,)))
            except Exception:  # the loop must survive one bad job; the next round retries
                logger.exception("worker job %s failed", job.name)
        record_round(factory, clock, name=name, started_at=started)
        if on_round is not None:
            on_round(counts)
        stop.wait(interval_seconds)


def record_round(
    factory: sessionmaker[Session], clock: Clock, *, name: str, started_at: datetime
) -> None:
    """Leave this worker's heartbeat for a finished round; a failure is logged, never
    raised (the jobs ran; the next round tries again)."""
    try:
        with transaction(factory) as session:
            heartbeat.beat(session, name=name, started_at=started_at, now=clock.now())
    except Exception:  # a database hiccup must not stop the worker
        logger.exception("worker heartbeat failed")
