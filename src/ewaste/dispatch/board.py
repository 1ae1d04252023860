"""The dispatch board: active collectors and their live routes, to place a pickup.

Profiles are row-locked on PostgreSQL, so two assignment rounds (or offers) cannot fill
the same route from one snapshot. Routes are built lazily per day, from one query for
every collector's pickups of that day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from ewaste import custody, identity, orders
from ewaste.dispatch import live_routes
from ewaste.dispatch.repository import CollectorRepository
from ewaste.routing.insertion import Insertion, LiveRoute, insertions


class Board:
    """The active collectors (profiles row-locked on PostgreSQL, so two assignment rounds
    cannot fill the same route from one snapshot) and their live routes, built lazily."""

    def __init__(self, session: Session, now: datetime) -> None:
        self._session = session
        self._now = now
        carried = custody.held_grams_by_holder(
            session, status=custody.UnitStatus.WITH_COLLECTOR.value
        )
        stations = identity.locations_by_role(session, "station")
        bases = identity.locations_by_role(session, "collector")
        profiles = [
            p for p in CollectorRepository(session).active_locked() if p.organisation_id in bases
        ]
        # What a collector carries now takes room today; by tomorrow it is delivered.
        self._today = live_routes.china_day(now)
        self._collectors = {
            today: [
                live_routes.collector_model(
                    p,
                    bases[p.organisation_id],
                    stations,
                    carried_grams=carried.get(p.organisation_id, 0) if today else 0,
                )
                for p in profiles
            ]
            for today in (True, False)
        }
        self._days: dict[date, dict[int, LiveRoute]] = {}
        self._stale: set[tuple[int, date]] = set()

    def best_for(self, pickup: orders.PickupView) -> int | None:
        """The collector whose route of the pickup's day takes it for the fewest metres."""
        ranked = self.ranked_for(pickup)
        return ranked[0].collector_id if ranked else None

    def ranked_for(self, pickup: orders.PickupView) -> list[Insertion]:
        """Every collector whose route of the pickup's day can take it, cheapest first."""
        day = live_routes.china_day(pickup.window_start)
        candidate = live_routes.pickup_model(pickup, live_routes.midnight_of(day))
        return insertions(
            self._routes_of(day), candidate, now_s=live_routes.now_seconds(day, self._now)
        )

    def forget(self, collector_id: int, day: date) -> None:
        """The collector's route of `day` changed: rebuild it when next needed."""
        self._stale.add((collector_id, day))

    def _routes_of(self, day: date) -> list[LiveRoute]:
        collectors = self._collectors[day == self._today]
        if day not in self._days:
            self._days[day] = live_routes.routes_of_day(
                self._session, collectors, day=day, now=self._now
            )
        routes = self._days[day]
        for collector in collectors:
            if (collector.id, day) in self._stale:
                routes[collector.id], _, _ = live_routes.route_of(
                    self._session, collector, day=day, now=self._now
                )
                self._stale.discard((collector.id, day))
        return [routes[c.id] for c in collectors]
