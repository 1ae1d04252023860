"""Collectors' live routes for a day, built from the database for `ewaste.routing`.

A collector's route of a day is its assigned pickups whose window falls on that day,
put in driving order by cheapest feasible insertion, earliest window first. Pickups at
the door (a deduction proposed, waiting for the household) are started: they come
first and are locked, never moved. The routes are rebuilt from the pickups each time,
so stops not yet started are re-ordered as orders come and go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from ewaste import orders, routing
from ewaste.dispatch.models import CollectorProfile
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.geo import GeoPoint, haversine_m
from ewaste.routing.insertion import LiveRoute, cheapest_insertion

AT_THE_DOOR = frozenset({"adjustment_proposed"})


def china_day(moment: datetime) -> date:
    """The China-time calendar day of a moment."""
    return moment.astimezone(CHINA_TIME).date()


def midnight_of(day: date) -> datetime:
    """00:00 China time on `day`."""
    return datetime.combine(day, time(), CHINA_TIME)


def collector_model(
    profile: CollectorProfile,
    base: GeoPoint,
    stations: Mapping[int, GeoPoint],
    *,
    carried_grams: int = 0,
) -> routing.Collector:
    """The routing view of a collector: vehicle room left after what it carries, shift,
    skills, and its chosen station (or the nearest one; its base when there is none)."""
    chosen = stations.get(profile.station_id) if profile.station_id is not None else None
    station = chosen or min(stations.values(), key=lambda s: haversine_m(base, s), default=base)
    spec = routing.VEHICLES[profile.vehicle]
    return routing.Collector(
        id=profile.organisation_id,
        home=base,
        station=station,
        vehicle=routing.VehicleSpec(
            spec.kind,
            max(0, profile.capacity_grams - carried_grams),
            profile.capacity_litres,
            spec.speed_kmh,
            spec.cost_fen_per_km,
        ),
        shift=(profile.shift_start_minute * 60, profile.shift_end_minute * 60),
        skills=frozenset(s for s in profile.skills.split("|") if s),
        area=(GeoPoint(profile.area_lat, profile.area_lon), profile.area_radius_m)
        if profile.area_lat is not None
        and profile.area_lon is not None
        and profile.area_radius_m is not None
        else None,
    )


def pickup_model(pickup: orders.PickupView, midnight: datetime) -> routing.Pickup:
    """The routing view of a pickup: its window in seconds after `midnight`."""

    def seconds(moment: datetime) -> int:
        return max(0, min(86_400, int((moment - midnight).total_seconds())))

    return routing.Pickup(
        id=pickup.id,
        at=pickup.location,
        window=(seconds(pickup.window_start), seconds(pickup.window_end)),
        service_s=pickup.service_seconds,
        grams=pickup.estimated_grams,
        litres=pickup.estimated_litres,
        skills=pickup.skills,
    )


def order_stops(
    collector: routing.Collector,
    started: Sequence[routing.Pickup],
    waiting: Iterable[routing.Pickup],
    *,
    now_s: int,
) -> tuple[LiveRoute, list[routing.Pickup]]:
    """The started stops first (locked), then each waiting one where it costs least;
    returns the route and the stops that fit nowhere (in window order)."""
    route = LiveRoute(collector, tuple(started), locked=len(started))
    misfits: list[routing.Pickup] = []
    for pickup in sorted(waiting, key=lambda p: (p.window[0], p.window[1], p.id)):
        found = cheapest_insertion([route], pickup, now_s=now_s)
        if found is None:
            misfits.append(pickup)
            continue
        stops = list(route.stops)
        stops.insert(found.position, pickup)
        route = LiveRoute(collector, tuple(stops), route.locked)
    return route, misfits


def now_seconds(day: date, now: datetime) -> int:
    """Seconds after midnight of `day` that have passed at `now` (0 for a later day)."""
    passed = (now - midnight_of(day)).total_seconds()
    return int(min(max(passed, 0), 86_400))


def route_of(
    session: Session,
    collector: routing.Collector,
    *,
    day: date,
    now: datetime,
) -> tuple[LiveRoute, list[routing.Pickup], dict[int, orders.PickupView]]:
    """A collector's live route of `day`, the stops that fit nowhere, and the pickups."""
    window_from, window_to = _day_span(day)
    views = orders.open_pickups_of_collector(
        session, collector_id=collector.id, window_from=window_from, window_to=window_to
    )
    route, misfits = _route(collector, views, day=day, now=now)
    return route, misfits, {p.id: p for p in views}


def routes_of_day(
    session: Session, collectors: Sequence[routing.Collector], *, day: date, now: datetime
) -> dict[int, LiveRoute]:
    """Every collector's live route of `day`, from one query for all their pickups."""
    window_from, window_to = _day_span(day)
    by_collector = orders.open_pickups_by_collector(
        session, window_from=window_from, window_to=window_to
    )
    return {c.id: _route(c, by_collector.get(c.id, []), day=day, now=now)[0] for c in collectors}


def _day_span(day: date) -> tuple[datetime, datetime]:
    midnight = midnight_of(day)
    return midnight.astimezone(UTC), (midnight + timedelta(days=1)).astimezone(UTC)


def _route(
    collector: routing.Collector,
    views: Sequence[orders.PickupView],
    *,
    day: date,
    now: datetime,
) -> tuple[LiveRoute, list[routing.Pickup]]:
    midnight = midnight_of(day)
    started = [pickup_model(p, midnight) for p in views if p.status in AT_THE_DOOR]
    waiting = [pickup_model(p, midnight) for p in views if p.status not in AT_THE_DOOR]
    return order_stops(collector, started, waiting, now_s=now_seconds(day, now))
