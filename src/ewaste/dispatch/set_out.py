"""A collector sets out for a stop: from then on no plan takes it away.

Started stops (the collector at the door) never move; a collector driving to its next
stop has started it too, but nothing said so. Setting out says so: the stop goes right
after the started ones in the collector's plan of today (it may choose another stop than
the planned next one) and readers lock it (`live_routes.arrange`) while it is still open
and not reached, so live insertion, the worker's re-optimisation and the city plan plan
around it, from now. Setting out for another stop releases the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ewaste import orders
from ewaste.dispatch import live_routes
from ewaste.dispatch.board import collector_models
from ewaste.dispatch.repository import CollectorRepository, RoutePlanRepository
from ewaste.dispatch.rules import CannotSetOut, CollectorNotFound, NotOnTodaysRoute
from ewaste.identity import Actor, Permission
from ewaste.kernel.clock import china_day


@dataclass(frozen=True, slots=True)
class SetOut:
    """The collector is on its way to this pickup, the stop after its started ones."""

    pickup_id: int
    collector_id: int
    day: date
    since: datetime
    position: int
    """Where the stop now is in the day's route, from 1."""


def set_out(session: Session, *, actor: Actor, pickup_id: int, now: datetime) -> SetOut:
    """The acting collector sets out for its pickup `pickup_id` of today. Raises
    MissingPermission, PickupNotFound (also another collector's), CannotSetOut (already
    at the door, collected, cancelled or expired) and NotOnTodaysRoute."""
    actor.require(Permission.COLLECTOR_PICKUP_COLLECT)
    pickup = orders.pickup_by_id(session, pickup_id)
    if pickup is None or pickup.collector_id != actor.organisation_id:
        raise orders.PickupNotFound(pickup_id=pickup_id)
    if pickup.status != orders.PickupStatus.ASSIGNED:
        raise CannotSetOut(pickup_id=pickup_id, status=pickup.status)
    day = china_day(pickup.window_start)
    if day != china_day(now):
        raise NotOnTodaysRoute(pickup_id=pickup_id, day=day.isoformat())
    profile = CollectorRepository(session).lock(actor.organisation_id)
    models = collector_models(session, [profile], now=now)[True] if profile else []
    if not models:
        raise CollectorNotFound(collector_id=actor.organisation_id)
    planned, _ = live_routes.route_of(session, models[0], day=day, now=now)
    started = planned.order[: planned.route.after_now]
    order = (*started, pickup_id, *(i for i in planned.order[len(started) :] if i != pickup_id))
    plan = live_routes.store_plan(
        session, collector_id=actor.organisation_id, day=day, order=order, by="collector", now=now
    )
    plan.set_out(pickup_id, now=now)
    session.flush()
    assert plan.heading_since is not None  # just set
    return SetOut(pickup_id, actor.organisation_id, day, plan.heading_since, len(started) + 1)


def on_the_way(session: Session, pickups: Sequence[orders.PickupView]) -> dict[int, datetime]:
    """{pickup: since when its collector is on its way} among `pickups` the caller may
    already read (a household's own): those still assigned to the collector that set out
    for them."""
    waiting = {p.id: p.collector_id for p in pickups if p.status == orders.PickupStatus.ASSIGNED}
    return {
        pid: since
        for pid, collector_id, since in RoutePlanRepository(session).set_out_for(list(waiting))
        if waiting[pid] == collector_id
    }
