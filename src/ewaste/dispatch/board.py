"""The dispatch board: active collectors and their live routes, to place a pickup.

Profiles are row-locked on PostgreSQL, so two assignment rounds (or offers, or the
worker's re-optimisation) cannot change the same route from one snapshot. Routes are
built lazily per day, from one query for every collector's pickups of that day and one
for their plans; placing a pickup writes the collector's plan of that day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ewaste import catalog, custody, identity, orders, routing
from ewaste.dispatch import live_routes
from ewaste.dispatch.live_routes import DayRoute
from ewaste.dispatch.models import CollectorProfile
from ewaste.dispatch.repository import CollectorRepository
from ewaste.kernel.clock import china_day
from ewaste.kernel.geo import GeoPoint
from ewaste.routing.insertion import Insertion, insertions


def collector_models(
    session: Session, profiles: Sequence[CollectorProfile], *, now: datetime
) -> dict[bool, list[routing.Collector]]:
    """The routing view of these collectors (those with a base), for today (True: as they
    are at `now`, see `whereabouts`) and for a later day (False: from their base, empty)."""
    stations = identity.locations_by_role(session, "station")
    bases = identity.locations_by_role(session, "collector")
    now_at = whereabouts(session, stations, now=now)

    def model(profile: CollectorProfile, today: bool) -> routing.Collector:
        w = now_at.get(profile.organisation_id, Whereabouts()) if today else Whereabouts()
        base = bases[profile.organisation_id]
        return live_routes.collector_model(
            profile, base, stations, carried=w.carried, position=w.position
        )

    return {
        today: [model(p, today) for p in profiles if p.organisation_id in bases]
        for today in (True, False)
    }


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """A collector now: what it carries, where it was last seen today (None: not yet)."""

    carried: live_routes.Carried = live_routes.NOTHING_CARRIED
    position: GeoPoint | None = None


def whereabouts(
    session: Session, stations: Mapping[int, GeoPoint], *, now: datetime
) -> dict[int, Whereabouts]:
    """{collector: its whereabouts at `now`}: what it carries (the units it holds; their
    room from the catalogue's handling facts) and where it was last seen today (China
    time): the door of its latest collection or the station it last delivered to."""
    held = custody.held_load_by_holder(session, status=custody.UnitStatus.WITH_COLLECTOR.value)
    seen = custody.last_collector_handovers(session, since=live_routes.midnight_of(china_day(now)))
    found: dict[int, Whereabouts] = {}
    for cid in held.keys() | seen.keys():
        load = held.get(cid)
        last = seen.get(cid)
        litres = (
            sum(
                catalog.handling_of(c).litres_per_unit * n
                for c, n in load.units_by_category.items()
            )
            if load
            else 0
        )
        position = (
            None
            if last is None
            else last.place
            if last.kind == custody.HandoverKind.COLLECT
            else stations.get(last.counterpart_id, last.place)
        )
        found[cid] = Whereabouts(live_routes.Carried(load.grams if load else 0, litres), position)
    return found


class Board:
    """The active collectors (profiles row-locked on PostgreSQL, so two assignment rounds
    cannot fill the same route from one snapshot) and their live routes, built lazily."""

    def __init__(self, session: Session, now: datetime) -> None:
        self._session = session
        self._now = now
        self._today = china_day(now)
        self._collectors = collector_models(
            session, CollectorRepository(session).active_locked(), now=now
        )
        self._days: dict[date, dict[int, DayRoute]] = {}

    def best_for(self, pickup: orders.PickupView) -> Insertion | None:
        """Where the pickup costs the fewest metres: a collector's route of its day."""
        ranked = self.ranked_for(pickup)
        return ranked[0] if ranked else None

    def ranked_for(self, pickup: orders.PickupView) -> list[Insertion]:
        """Every collector whose route of the pickup's day can take it, cheapest first."""
        day = china_day(pickup.window_start)
        candidate = live_routes.pickup_model(pickup, live_routes.midnight_of(day))
        routes = [r.route for r in self._routes_of(day).values()]
        return insertions(routes, candidate, now_s=live_routes.now_seconds(day, self._now))

    def place(self, pickup: orders.PickupView, where: Insertion) -> None:
        """The pickup was assigned to `where.collector_id`: insert it into that collector's
        route of its day at `where.position` and store the route as the plan."""
        day = china_day(pickup.window_start)
        candidate = live_routes.pickup_model(pickup, live_routes.midnight_of(day))
        routes = self._routes_of(day)
        routes[where.collector_id] = routes[where.collector_id].with_insertion(
            candidate, where.position
        )
        live_routes.store_plan(
            self._session,
            collector_id=where.collector_id,
            day=day,
            order=routes[where.collector_id].order,
            by="insertion",
            now=self._now,
        )

    def _routes_of(self, day: date) -> dict[int, DayRoute]:
        if day not in self._days:
            self._days[day] = live_routes.routes_of_day(
                self._session, self._collectors[day == self._today], day=day, now=self._now
            )
        return self._days[day]
