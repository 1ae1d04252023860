"""Route plans kept up to date: re-optimised by the worker, followed when a pickup is taken.

Live insertion keeps each collector's stored order (a `RoutePlan`) as pickups arrive;
insertion alone drifts from the best order as the day fills up. `reoptimise_routes`, run
by the worker, takes today's routes in turn (each at most once per `REVIEW_EVERY` of
worker time), re-orders the stops not yet started with PyVRP (routing/reoptimise.py),
checks the new order with our own checker and stores it only when it is feasible and
shorter (or the old one broke a window). Started stops, and everything planned before
them, keep their place.

Whoever changes a collector's plan holds the collector's profile row lock (PostgreSQL):
an assignment round locks every profile, an accepted offer its own, and the worker
claims profiles with SKIP LOCKED, so two workers never re-optimise the same route and a
route being re-optimised is not written by an assignment meanwhile (it waits).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import orders, routing
from ewaste.dispatch import live_routes
from ewaste.dispatch.board import collector_models
from ewaste.dispatch.models import RoutePlan
from ewaste.dispatch.repository import CollectorRepository, RoutePlanRepository
from ewaste.kernel.clock import china_day

logger = logging.getLogger(__name__)

REVIEW_EVERY = timedelta(minutes=5)
"""How often (in worker time) a route of today is re-optimised."""
ROUTES_PER_BATCH = 4
"""Routes per transaction: their profile locks are held while PyVRP searches (~0.1 s a
route), so a batch stays short and an assignment round waits for it briefly."""


@dataclass(frozen=True, slots=True)
class Review:
    """What re-optimising one route did."""

    collector_id: int
    day: date
    stops: int
    changed: bool
    before_m: int
    after_m: int
    seconds: float


def reoptimise_routes(
    session: Session,
    *,
    now: datetime,
    limit: int = ROUTES_PER_BATCH,
    every: timedelta = REVIEW_EVERY,
    max_seconds: float = 2.0,
) -> list[Review]:
    """Re-optimise up to `limit` of today's (China time) routes that are due: a collector
    with open pickups today whose plan was not reviewed in the last `every`. Safe to run
    in parallel workers. Returns what was reviewed (an empty list: nothing is due)."""
    day = china_day(now)
    due = _due_collectors(session, day=day, now=now, every=every)
    if not due:
        return []
    profiles = CollectorRepository(session).claim_active(due, limit=limit)
    models = {c.id: c for c in collector_models(session, profiles, now=now)[True]}
    plans = RoutePlanRepository(session)
    reviews = []
    for profile in profiles:
        collector = models.get(profile.organisation_id)
        plan = plans.get(profile.organisation_id, day)
        if collector is None or not _is_due(plan, now=now, every=every):
            continue  # no base, or another worker reviewed it since we looked
        reviews.append(_review(session, collector, plan, day=day, now=now, max_seconds=max_seconds))
    return reviews


def follow_new_pickup(session: Session, *, collector_id: int, day: date, now: datetime) -> None:
    """A pickup was just given to the collector outside an assignment round (an accepted
    offer): put it where it costs least in the collector's plan of `day` (last when it
    fits nowhere) and store the plan; started stops keep their place."""
    profile = CollectorRepository(session).lock(collector_id)
    if profile is None:
        return
    today = day == china_day(now)
    models = collector_models(session, [profile], now=now)[today]
    if not models:
        return
    planned, _ = live_routes.route_of(session, models[0], day=day, now=now)
    live_routes.store_plan(
        session, collector_id=collector_id, day=day, order=planned.order, by="insertion", now=now
    )


def _due_collectors(session: Session, *, day: date, now: datetime, every: timedelta) -> list[int]:
    window_from, window_to = live_routes.day_span(day)
    busy = orders.open_pickups_by_collector(session, window_from=window_from, window_to=window_to)
    plans = RoutePlanRepository(session).of_day(day)
    return [c for c in sorted(busy) if _is_due(plans.get(c), now=now, every=every)]


def _is_due(plan: RoutePlan | None, *, now: datetime, every: timedelta) -> bool:
    return plan is None or plan.reviewed_at is None or plan.reviewed_at <= now - every


def _review(
    session: Session,
    collector: routing.Collector,
    plan: RoutePlan | None,
    *,
    day: date,
    now: datetime,
    max_seconds: float,
) -> Review:
    """Re-optimise one route and store the result (the caller holds the profile lock)."""
    planned, _ = live_routes.route_of(session, collector, day=day, now=now)
    result = routing.reoptimise(
        planned.route,
        now_s=live_routes.now_seconds(day, now),
        extra=planned.misfits,
        max_seconds=max_seconds,
    )
    # Unchanged, the order is still rewritten: pickups that left the route drop out of it.
    order = tuple(p.id for p in result.stops)
    by = "reoptimised" if result.improved else (plan.planned_by if plan else "insertion")
    live_routes.store_plan(
        session, collector_id=collector.id, day=day, order=order, by=by, now=now, reviewed=True
    )
    if result.improved:
        logger.info(
            "route of collector %s on %s re-optimised: %d m -> %d m (%d stops, %.2f s)",
            collector.id,
            day,
            result.before_m,
            result.after_m,
            len(order),
            result.seconds,
        )
    return Review(
        collector_id=collector.id,
        day=day,
        stops=len(order),
        changed=result.improved,
        before_m=result.before_m,
        after_m=result.after_m,
        seconds=result.seconds,
    )
