"""Dispatch use cases: register collectors, insert pickups into their live routes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ewaste import custody, identity, orders, routing
from ewaste.dispatch import live_routes, rules
from ewaste.dispatch.models import CollectorProfile
from ewaste.dispatch.repository import CollectorRepository
from ewaste.dispatch.rules import CollectorNotFound, NoEligibleCollector, Vehicle
from ewaste.identity import Actor, Permission
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.geo import GeoPoint
from ewaste.routing.insertion import LiveRoute, cheapest_insertion


@dataclass(frozen=True, slots=True)
class DispatchRound:
    """What one assignment round did."""

    assigned: int
    unassigned: int


def register_collector(
    session: Session,
    *,
    organisation_id: int,
    vehicle: Vehicle,
    capacity_grams: int,
    badge: str,
    capacity_litres: int | None = None,
    shift_minutes: tuple[int, int] = (8 * 60, 20 * 60),
    skills: frozenset[str] = frozenset(),
    station_id: int | None = None,
    area: tuple[GeoPoint, int] | None = None,
) -> CollectorProfile:
    """Give a collector organisation its vehicle profile: what it carries (grams, litres;
    the volume defaults to the vehicle kind's), its working day (minutes after midnight,
    China time), its skills, the station it ends the day at (None: the nearest) and its
    service area (a centre and a radius in metres; None: the whole city).

    Raises CollectorNotFound, InvalidCapacity, InvalidVolume, InvalidShift, UnknownSkill,
    InvalidArea, InvalidInput (no base location, or `station_id` is no station).
    """
    org = identity.organisation_row(session, organisation_id)
    if org is None or org.role != identity.Role.COLLECTOR.value:
        raise CollectorNotFound(collector_id=organisation_id)
    if org.location is None:
        raise InvalidInput("A collector needs a base location.", collector_id=organisation_id)
    rules.check_capacity(capacity_grams)
    litres = capacity_litres or routing.VEHICLES[vehicle.value].capacity_l
    rules.check_volume(litres)
    rules.check_shift(*shift_minutes)
    stored_skills = rules.check_skills(skills)
    if area is not None:
        rules.check_area_radius(area[1])
    if station_id is not None:
        station = identity.organisation_row(session, station_id)
        if station is None or station.role != identity.Role.STATION.value:
            raise InvalidInput(
                f"Organisation {station_id} is not a station.", station_id=station_id
            )
    profile = CollectorProfile(
        organisation_id=organisation_id,
        vehicle=vehicle.value,
        capacity_grams=capacity_grams,
        capacity_litres=litres,
        shift_start_minute=shift_minutes[0],
        shift_end_minute=shift_minutes[1],
        skills=stored_skills,
        station_id=station_id,
        area_lat=area[0].lat if area else None,
        area_lon=area[0].lon if area else None,
        area_radius_m=area[1] if area else None,
        active=True,
        badge=badge,
    )
    CollectorRepository(session).add(profile)
    return profile


def assign_pickup(
    session: Session, *, actor: Actor, pickup_id: int, now: datetime
) -> orders.PickupView:
    """Assign one requested pickup to the collector whose live route takes it for the
    fewest extra metres, keeping every window, the shift, both capacities and skills.

    Raises MissingPermission, PickupNotFound, NoEligibleCollector, IllegalPickupTransition.
    """
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    pickup = orders.get_pickup(session, actor=actor, pickup_id=pickup_id)
    chosen = _Board(session, now).best_for(pickup)
    if chosen is None:
        raise NoEligibleCollector(grams=pickup.estimated_grams, pickup_id=pickup_id)
    return orders.assign_collector(
        session,
        actor=actor,
        pickup_id=pickup_id,
        collector_id=chosen,
        collector_role=identity.Role.COLLECTOR.value,
        now=now,
    )


def assign_waiting_pickups(
    session: Session, *, actor: Actor, now: datetime, limit: int = 500
) -> DispatchRound:
    """Insert every waiting pickup, oldest window first, into the live route where it
    costs least; a pickup no route can take stays waiting."""
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    board = _Board(session, now)
    assigned = unassigned = 0
    for pickup in orders.waiting_pickups(session, now=now, limit=limit):
        chosen = board.best_for(pickup)
        if chosen is None:
            unassigned += 1
            continue
        orders.assign_collector(
            session,
            actor=actor,
            pickup_id=pickup.id,
            collector_id=chosen,
            collector_role=identity.Role.COLLECTOR.value,
            now=now,
        )
        board.forget(chosen, live_routes.china_day(pickup.window_start))
        assigned += 1
    return DispatchRound(assigned, unassigned)


class _Board:
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
        self._collectors = [
            live_routes.collector_model(
                profile,
                bases[profile.organisation_id],
                stations,
                carried_grams=carried.get(profile.organisation_id, 0),
            )
            for profile in CollectorRepository(session).active_locked()
            if profile.organisation_id in bases
        ]
        self._days: dict[date, dict[int, LiveRoute]] = {}
        self._stale: set[tuple[int, date]] = set()

    def best_for(self, pickup: orders.PickupView) -> int | None:
        """The collector whose route of the pickup's day takes it for the fewest metres."""
        day = live_routes.china_day(pickup.window_start)
        candidate = live_routes.pickup_model(pickup, live_routes.midnight_of(day))
        routes = self._routes_of(day)
        found = cheapest_insertion(routes, candidate, now_s=live_routes.now_seconds(day, self._now))
        return found.collector_id if found is not None else None

    def forget(self, collector_id: int, day: date) -> None:
        """The collector's route of `day` changed: rebuild it when next needed."""
        self._stale.add((collector_id, day))

    def _routes_of(self, day: date) -> list[LiveRoute]:
        if day not in self._days:
            self._days[day] = live_routes.routes_of_day(
                self._session, self._collectors, day=day, now=self._now
            )
        routes = self._days[day]
        for collector in self._collectors:
            if (collector.id, day) in self._stale:
                routes[collector.id], _, _ = live_routes.route_of(
                    self._session, collector, day=day, now=self._now
                )
                self._stale.discard((collector.id, day))
        return [routes[c.id] for c in self._collectors]
