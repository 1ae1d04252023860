"""Planning a city's day at once: every stop not yet started, on every route, by PyVRP.

Live insertion places each new pickup where it costs least in the routes as they are,
and the worker re-orders each collector's own stops; neither moves a stop from one
collector to another, and after a morning of insertions the city's routes are far from
the best ones. `plan_routes` hands the whole day to the city planner
(`routing.plan_day`: zones solved by PyVRP): every collector as it will be after its
started stops (there, free from then, with the room they leave), every stop not yet
started (required when its route can take it: moved to whichever route takes it for
fewest km, never dropped for a new one; worth `routing.PROMISED` new ones when it fits
nowhere now) and every pickup still waiting for a collector (optional: what stays out
is reported with its reason and waits for the next round).

A plan must pay for what it moves (`plan_moves`): against the routes kept as they are
(waiting pickups put where they cost least), each group of collectors whose stops the plan
entangles takes the plan's routes only when the km it saves plus PICKUP_WORTH_M for each
pickup more it serves reach MOVE_THRESHOLD_M per stop it gives to another collector;
the other groups keep their routes (only waiting pickups given out), and the declined
moves are reported. A plan made again on an unchanged day therefore moves nothing.

The search runs on a snapshot without locks, so bookings, assignment rounds and
accepted offers go on meanwhile. The plan is re-driven by our own checker and applied
under the profile locks every assignment takes, against the truth at that moment: a
pickup moves only if it is where it was in the snapshot, a collector's route is rewritten
only if nothing was started on it or changed in its profile meanwhile. What was skipped
is counted, and the readers' reconciliation (live_routes) places it as before. Started
stops, and everything planned before them, never move.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import identity, orders, routing
from ewaste.dispatch import live_routes, plan_moves
from ewaste.dispatch.board import collector_models
from ewaste.dispatch.live_routes import DayRoute
from ewaste.dispatch.models import CityPlanRun
from ewaste.dispatch.plan_moves import MOVE_THRESHOLD_M
from ewaste.dispatch.repository import (
    CityPlanRunRepository,
    CollectorRepository,
    OfferRepository,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.clock import china_day
from ewaste.routing.insertion import drive_route, insert_into_plan, keep_with_owners

PLANNED_BY = "city_plan"
"""A route plan's `planned_by` when the city planner wrote it."""


@dataclass(frozen=True, slots=True)
class CityPlan:
    """What planning a day did (figures for the operator and the log)."""

    day: date
    collectors: int
    promised: int
    """Stops not yet started that were already given to a collector."""
    waiting: int
    """Pickups of the day still waiting for a collector (offers in flight left out)."""
    before_m: int
    """Metres of the routes as they were, from each collector's start to its station."""
    after_m: int
    """Metres of the planned routes, the same way."""
    served: int
    """Stops in the plan's routes."""
    assigned: int
    """Waiting pickups the plan gave a collector."""
    moved: int
    """Promised stops the plan gave another collector."""
    left_out: Mapping[str, int]
    """Pickups in no planned route, by reason (waiting ones keep waiting)."""
    skipped: int
    """Pickups the plan would have given a collector but left where they were: they, or
    the route they were planned into, changed while the plan was searched."""
    applied: bool
    """False when the plan was not written (it failed our checker, or dropped a stop the
    routes already had room for)."""
    seconds: float
    declined_moves: int = 0
    """Moves the search proposed that did not pay for themselves (`plan_moves`): those
    collectors kept their routes and were only given waiting pickups."""


def plan_routes(
    session: Session,
    *,
    actor: Actor,
    day: date,
    now: datetime,
    seconds: float = 20.0,
    workers: int = 1,
    started_by: str = "operator",
) -> CityPlan:
    """Plan every unstarted stop and every waiting pickup of `day` across all active
    collectors in about `seconds` of search on `workers` processes, apply what still
    holds (the module says how) and record the run. Raises MissingPermission.
    """
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    started = time.perf_counter()
    today = day == china_day(now)
    now_s = live_routes.now_seconds(day, now)
    models = {
        c.id: c
        for c in collector_models(session, CollectorRepository(session).active(), now=now)[today]
    }
    routes = live_routes.routes_of_day(session, list(models.values()), day=day, now=now)
    waiting = _waiting(session, day=day, now=now)
    owner = _owners(routes, waiting)
    tails = {
        cid: routing.tail_collector(r.route, now_s=now_s, distances=_METRES)
        for cid, r in routes.items()
    }
    pickups = _planned_pickups(routes, waiting)
    current = _current_plan(routes, tails, pickups)
    before_m = sum(r.distance_m for r in current.routes)
    owners = {pid: was for pid, was in owner.items() if was is not None}
    plan, report = _best_plan(
        routes, list(tails.values()), pickups, owners, now_s=now_s, seconds=seconds, workers=workers
    )
    kept, kept_report = _routes_kept(current, list(tails.values()), pickups, now_s=now_s)
    declined = 0
    routed_before = {p.id for r in routes.values() for p in _unlocked(r)}
    if report.feasible and kept_report.feasible:
        fleet = list(tails.values())
        plan, declined = plan_moves.paying_part(
            plan, kept, owners, fleet, pickups, required=frozenset(routed_before)
        )
        report = routing.check_plan(fleet, pickups, plan, _METRES)
    planned_ids = {v.pickup_id for r in plan.routes for v in r.visits}
    refused = CityPlan(
        day=day,
        collectors=len(models),
        promised=len(owners),
        waiting=len(waiting),
        before_m=before_m,
        after_m=report.distance,
        served=plan.served,
        assigned=0,
        moved=0,
        left_out=dict(Counter(plan.unserved.values())),
        skipped=0,
        applied=False,
        seconds=0.0,
        declined_moves=declined,
    )
    if not report.feasible or not routed_before <= planned_ids:
        done = replace(refused, seconds=time.perf_counter() - started)
    else:
        assigned, moved, skipped = _apply(
            session, actor=actor, plan=plan, snapshot=(models, routes, owner), day=day, now=now
        )
        done = replace(
            refused,
            assigned=assigned,
            moved=moved,
            skipped=skipped,
            applied=True,
            seconds=time.perf_counter() - started,
        )
    _record(session, done, started_at=now, started_by=started_by)
    return done


@dataclass(frozen=True, slots=True)
class CityPlanRecord:
    """A run of the city plan as the staff page shows it."""

    started_at: datetime
    started_by: str
    applied: bool
    served: int
    assigned: int
    moved: int
    before_m: int
    after_m: int
    declined_moves: int = 0


def last_city_plan(session: Session, *, actor: Actor, day: date) -> CityPlanRecord | None:
    """The latest run of the city plan for `day` (staff). Raises MissingPermission."""
    actor.require(Permission.STAFF_PICKUP_READ)
    run = CityPlanRunRepository(session).last_of_day(day)
    if run is None:
        return None
    return CityPlanRecord(
        run.started_at,
        run.started_by,
        run.applied,
        run.served,
        run.assigned,
        run.moved,
        run.before_m,
        run.after_m,
        run.declined_moves,
    )


def plan_city_if_due(
    session: Session, *, actor: Actor, now: datetime, every: timedelta, seconds: float
) -> CityPlan | None:
    """The worker's city plan of today: run when the last run (anyone's) is `every` old or
    there is none, today has a stop to plan, and no other worker is planning (PostgreSQL
    advisory lock). Returns the run, or None when nothing was due."""
    day = china_day(now)
    runs = CityPlanRunRepository(session)
    last = runs.last_of_day(day)
    if last is not None and last.started_at > now - every:
        return None
    window_from, window_to = live_routes.day_span(day)
    busy = orders.open_pickups_by_collector(session, window_from=window_from, window_to=window_to)
    if not busy and not _waiting(session, day=day, now=now):
        return None
    if not runs.try_claim():
        return None
    last = runs.last_of_day(day)  # another worker may have run it before we claimed
    if last is not None and last.started_at > now - every:
        return None
    return plan_routes(session, actor=actor, day=day, now=now, seconds=seconds, started_by="worker")


def _record(session: Session, done: CityPlan, *, started_at: datetime, started_by: str) -> None:
    CityPlanRunRepository(session).add(
        CityPlanRun(
            day=done.day,
            started_at=started_at,
            started_by=started_by,
            applied=done.applied,
            served=done.served,
            assigned=done.assigned,
            moved=done.moved,
            skipped=done.skipped,
            before_m=done.before_m,
            after_m=done.after_m,
            seconds=round(done.seconds, 3),
            declined_moves=done.declined_moves,
        )
    )


_METRES = routing.HaversineDistances()

Snapshot = tuple[Mapping[int, routing.Collector], Mapping[int, DayRoute], Mapping[int, int | None]]


def _waiting(session: Session, *, day: date, now: datetime) -> list[routing.Pickup]:
    """The day's pickups waiting for a collector, those with offers out left aside."""
    window_from, window_to = live_routes.day_span(day)
    offered = OfferRepository(session).open_pickup_ids()
    midnight = live_routes.midnight_of(day)
    return [
        live_routes.pickup_model(v, midnight)
        for v in orders.requested_pickups(
            session, window_from=window_from, window_to=window_to, now=now
        )
        if v.id not in offered
    ]


def _unlocked(route: DayRoute) -> tuple[routing.Pickup, ...]:
    return route.route.stops[route.route.locked :]


def _owners(
    routes: Mapping[int, DayRoute], waiting: Sequence[routing.Pickup]
) -> dict[int, int | None]:
    """{pickup: its collector (None: waiting)} for every stop the plan may move."""
    owner: dict[int, int | None] = {p.id: None for p in waiting}
    for cid, r in routes.items():
        for p in (*_unlocked(r), *r.misfits):
            owner[p.id] = cid
    return owner


def _planned_pickups(
    routes: Mapping[int, DayRoute], waiting: Sequence[routing.Pickup]
) -> list[routing.Pickup]:
    promised = [
        replace(p, priority=routing.PROMISED, required=routed)
        for r in routes.values()
        for stops, routed in ((_unlocked(r), True), (r.misfits, False))
        for p in stops
    ]
    # A stop already in a feasible route is required (a plan that drops it is no plan);
    # one that fits nowhere now is worth routing.PROMISED new ones.
    return promised + list(waiting)


def _best_plan(
    routes: Mapping[int, DayRoute],
    fleet: Sequence[routing.Collector],
    pickups: Sequence[routing.Pickup],
    owners: Mapping[int, int],
    *,
    now_s: int,
    seconds: float,
    workers: int,
) -> tuple[routing.Plan, routing.CheckReport]:
    """The city planner's plan, started from the routes as they are, made sound and steady,
    and what our checker says of it."""
    found = routing.plan_day(
        fleet,
        pickups,
        seconds=seconds,
        workers=workers,
        start={cid: [p.id for p in _unlocked(r)] for cid, r in routes.items()},
    )
    # A route the search left late (short search, busy machine) loses its late stops; then
    # a promised stop left out goes where it costs least in the plan, if it can.
    plan = _on_time(found, fleet, pickups, now_s=now_s)
    plan = insert_into_plan(plan, fleet, pickups, set(owners), now_s=now_s)
    steady = keep_with_owners(
        plan, fleet, pickups, owners, now_s=now_s, threshold_m=MOVE_THRESHOLD_M
    )
    report = routing.check_plan(fleet, pickups, steady, _METRES)
    if report.feasible:
        return steady, report
    # A second's rounding on a shortened route: the plan as found stands.
    return plan, routing.check_plan(fleet, pickups, plan, _METRES)


def _current_plan(
    routes: Mapping[int, DayRoute],
    tails: Mapping[int, routing.Collector],
    pickups: Sequence[routing.Pickup],
) -> routing.Plan:
    """The routes as they are, driven from each collector's tail; every other pickup
    (waiting, misfit) unserved."""
    routed = {p.id for r in routes.values() for p in _unlocked(r)}
    return routing.Plan(
        tuple(drive_route(tails[cid], _unlocked(r)) for cid, r in routes.items() if _unlocked(r)),
        {p.id: "" for p in pickups if p.id not in routed},
    )


def _routes_kept(
    current: routing.Plan,
    fleet: Sequence[routing.Collector],
    pickups: Sequence[routing.Pickup],
    *,
    now_s: int,
) -> tuple[routing.Plan, routing.CheckReport]:
    """`current` with each pickup it leaves out put where it costs least: what the day
    looks like if no stop moves. With our checker's report."""
    kept = insert_into_plan(current, fleet, pickups, set(current.unserved), now_s=now_s)
    return kept, routing.check_plan(fleet, pickups, kept, _METRES)


def _on_time(
    plan: routing.Plan,
    fleet: Sequence[routing.Collector],
    pickups: Sequence[routing.Pickup],
    *,
    now_s: int,
) -> routing.Plan:
    """The plan with each route driven as planned, leaving out the stops it would reach
    too late, overload or end the shift with (they join the unserved)."""
    by_collector = {c.id: c for c in fleet}
    by_pickup = {p.id: p for p in pickups}
    routes = []
    unserved = dict(plan.unserved)
    for r in plan.routes:
        collector = by_collector[r.collector_id]
        stops = [by_pickup[v.pickup_id] for v in r.visits]
        kept, left = live_routes.follow_plan(collector, [], stops, now_s=now_s)
        if not left:
            routes.append(r)
            continue
        unserved.update((p.id, routing.UnservedReason.NO_ROOM.value) for p in left)
        if kept.stops:
            routes.append(drive_route(collector, kept.stops))
    return routing.Plan(tuple(routes), unserved, plan.seconds)


def _apply(
    session: Session,
    *,
    actor: Actor,
    plan: routing.Plan,
    snapshot: Snapshot,
    day: date,
    now: datetime,
) -> tuple[int, int, int]:
    """Write the plan where the truth still matches the snapshot, under the profile
    locks. Returns (assigned, moved, skipped)."""
    models, routes, owner = snapshot
    today = day == china_day(now)
    # Everything read for the snapshot is re-read: other transactions changed it meanwhile.
    session.flush()
    session.expire_all()
    fresh_models = {
        c.id: c
        for c in collector_models(session, CollectorRepository(session).active_locked(), now=now)[
            today
        ]
    }
    fresh_routes = live_routes.routes_of_day(session, list(fresh_models.values()), day=day, now=now)
    fresh_owner = _owners(fresh_routes, _waiting(session, day=day, now=now))
    unchanged = {
        cid
        for cid, c in models.items()
        if fresh_models.get(cid) == c and _locked_ids(fresh_routes[cid]) == _locked_ids(routes[cid])
    }
    done: Counter[str] = Counter()
    for route in plan.routes:
        cid = route.collector_id
        if cid not in unchanged:
            done["skipped"] += sum(1 for v in route.visits if owner.get(v.pickup_id) != cid)
            continue
        order = list(_locked_ids(fresh_routes[cid]))
        for visit in route.visits:
            pid, was = visit.pickup_id, owner.get(visit.pickup_id)
            if pid not in fresh_owner or fresh_owner[pid] != was:
                done["skipped"] += 1
                continue
            outcome = _give(session, actor=actor, pickup_id=pid, was=was, to=cid, now=now)
            done[outcome] += 1
            if outcome != "skipped":
                order.append(pid)
        live_routes.store_plan(
            session, collector_id=cid, day=day, order=order, by=PLANNED_BY, now=now
        )
    planned = {r.collector_id for r in plan.routes}
    for cid in unchanged - planned:
        if _unlocked(fresh_routes[cid]) or fresh_routes[cid].misfits:
            # The planner gave this route nothing more: what is left of it is its locked
            # stops, and whatever stayed with it (the readers place that as before).
            live_routes.store_plan(
                session,
                collector_id=cid,
                day=day,
                order=_locked_ids(fresh_routes[cid]),
                by=PLANNED_BY,
                now=now,
            )
    return done["assigned"], done["moved"], done["skipped"]


def _give(
    session: Session, *, actor: Actor, pickup_id: int, was: int | None, to: int, now: datetime
) -> str:
    """Give the pickup to collector `to` (from `was`, None: waiting). Returns "assigned",
    "moved", "kept" (already there) or "skipped" (a household cancelled it this instant)."""
    try:
        if was is None:
            orders.assign_collector(
                session,
                actor=actor,
                pickup_id=pickup_id,
                collector_id=to,
                collector_role=identity.Role.COLLECTOR.value,
                now=now,
            )
            return "assigned"
        if was != to:
            orders.reassign_collector(
                session,
                actor=actor,
                pickup_id=pickup_id,
                from_collector_id=was,
                to_collector_id=to,
                now=now,
            )
            return "moved"
    except (orders.IllegalPickupTransition, orders.PickupMoved):
        return "skipped"
    return "kept"


def _locked_ids(route: DayRoute) -> tuple[int, ...]:
    return tuple(p.id for p in route.route.stops[: route.route.locked])
