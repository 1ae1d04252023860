"""Planning a small city day: the plan honours every constraint and beats the greedy baseline;
live insertion finds the cheapest feasible place and never moves a started stop."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from ewaste import routing
from ewaste.kernel.geo import GeoPoint
from ewaste.routing import Collector, Pickup, Plan
from ewaste.routing.insertion import (
    LiveRoute,
    cheapest_insertion,
    insert_into_plan,
    keep_with_owners,
)

CENTRE = GeoPoint(22.60, 114.05)
DISTANCES = routing.HaversineDistances()


def offset(km_north: float, km_east: float) -> GeoPoint:
    return GeoPoint(
        CENTRE.lat + km_north / 111.0,
        CENTRE.lon + km_east / (111.0 * math.cos(math.radians(CENTRE.lat))),
    )


def small_city(seed: int = 3) -> tuple[list[Collector], list[Pickup]]:
    rng = random.Random(seed)
    stations = [offset(-3, -3), offset(3, 3)]
    collectors = [
        Collector(
            id=i + 1,
            home=offset(rng.uniform(-5, 5), rng.uniform(-5, 5)),
            station=stations[i % 2],
            vehicle=routing.VEHICLES["tricycle" if i % 3 else "van"],
            shift=(8 * 3600, 18 * 3600),
            skills=frozenset({"air_conditioner_removal", "refrigerant"}) if i % 2 else frozenset(),
        )
        for i in range(6)
    ]
    pickups = [
        Pickup(
            id=j + 1,
            at=offset(rng.uniform(-5, 5), rng.uniform(-5, 5)),
            window=(slot, slot + 7200),
            service_s=600,
            grams=rng.randint(5_000, 40_000),
            litres=100,
            skills=frozenset({"refrigerant"}) if j % 7 == 0 else frozenset(),
        )
        for j, slot in enumerate(rng.choice([8, 10, 12, 14, 16]) * 3600 for _ in range(60))
    ]
    return collectors, pickups


def assert_sound(collectors: list[Collector], pickups: list[Pickup], plan: Plan) -> None:
    report = routing.check_plan(collectors, pickups, plan, DISTANCES)
    assert report.feasible, report.problems
    assert plan.served + len(plan.unserved) == len(pickups)


@pytest.fixture(scope="module")
def city() -> tuple[list[Collector], list[Pickup]]:
    return small_city()


@pytest.fixture(scope="module")
def planned(city: tuple[list[Collector], list[Pickup]]) -> Plan:
    return routing.plan_day(*city, seconds=3, workers=1)


def test_the_plan_passes_our_checker_and_accounts_for_every_pickup(
    city: tuple[list[Collector], list[Pickup]], planned: Plan
) -> None:
    assert_sound(*city, planned)


def test_the_greedy_baseline_passes_the_same_checker(
    city: tuple[list[Collector], list[Pickup]],
) -> None:
    assert_sound(*city, routing.greedy_plan(*city))


def test_the_plan_serves_at_least_as_many_with_fewer_km_per_pickup(
    city: tuple[list[Collector], list[Pickup]], planned: Plan
) -> None:
    greedy = routing.greedy_plan(*city)
    assert planned.served >= greedy.served
    assert planned.distance_m / planned.served < greedy.distance_m / greedy.served


def test_a_pickup_nobody_can_take_is_reported_with_its_reason(
    city: tuple[list[Collector], list[Pickup]],
) -> None:
    collectors, pickups = city
    odd = [
        Pickup(9001, offset(0, 0), (36000, 43200), 600, 10_000, 50, frozenset({"crane"})),
        Pickup(9002, offset(0, 0), (36000, 43200), 600, 5_000_000, 50),
        Pickup(9003, offset(0, 0), (3600, 3700), 600, 10_000, 50),
    ]
    plan = routing.plan_day(collectors, [*pickups, *odd], seconds=2, workers=1)
    assert plan.unserved[9001] == routing.UnservedReason.NO_SKILL
    assert plan.unserved[9002] == routing.UnservedReason.TOO_BIG
    assert plan.unserved[9003] == routing.UnservedReason.UNREACHABLE
    assert_sound(collectors, [*pickups, *odd], plan)


def test_zones_share_out_every_collector_and_every_pickup() -> None:
    rng = random.Random(5)
    collectors = [
        Collector(
            i,
            offset(rng.uniform(-20, 20), rng.uniform(-20, 20)),
            CENTRE,
            routing.VEHICLES["van"],
            (28800, 64800),
        )
        for i in range(60)
    ]
    pickups = [
        Pickup(j, offset(rng.uniform(-20, 20), rng.uniform(-20, 20)), (28800, 36000), 300, 1000, 10)
        for j in range(500)
    ]
    zones = routing.planner.split_into_zones(collectors, pickups)
    assert len(zones) == 2
    assert sorted(c.id for z in zones for c in z.collectors) == list(range(60))
    assert sorted(p.id for z in zones for p in z.pickups) == list(range(500))
    assert all(z.collectors for z in zones if z.pickups)


def test_a_collector_joins_the_zone_on_its_way_from_home_to_its_station() -> None:
    west = [offset(0, -15 + j % 5) for j in range(300)]
    east = [offset(0, 11 + j % 5) for j in range(300)]
    pickups = [Pickup(j, at, (28800, 36000), 300, 1000, 10) for j, at in enumerate([*west, *east])]
    far_east = offset(0, 15)
    # Everybody lives in the middle (a little nearer the west) but ends in the east.
    collectors = [
        Collector(i, offset(0, -1), far_east, routing.VEHICLES["van"], (28800, 64800))
        for i in range(25)
    ] + [
        Collector(i, offset(0, -1), offset(0, -18), routing.VEHICLES["van"], (28800, 64800))
        for i in range(25, 50)
    ]
    zones = routing.planner.split_into_zones(collectors, pickups)
    assert len(zones) == 2
    for zone in zones:
        ends = {c.station for c in zone.collectors}
        eastern = all(p.at.lon > CENTRE.lon for p in zone.pickups)
        assert ends == ({far_east} if eastern else {offset(0, -18)})


def test_with_a_low_prize_the_dear_pickups_wait_and_say_why(
    city: tuple[list[Collector], list[Pickup]],
) -> None:
    collectors, pickups = city
    plan = routing.plan_day(collectors, pickups, seconds=2, workers=1, prize_km=0.5)
    assert_sound(collectors, pickups, plan)
    assert plan.unserved
    assert set(plan.unserved.values()) <= {
        routing.UnservedReason.TOO_FAR,
        routing.UnservedReason.NO_SKILL,
    }


# ---------------------------------------------------------------- live insertion


def route_of(
    collectors: list[Collector], plan: Plan, pickups: list[Pickup], index: int
) -> LiveRoute:
    by_id = {p.id: p for p in pickups}
    route = plan.routes[index]
    collector = next(c for c in collectors if c.id == route.collector_id)
    return LiveRoute(collector, tuple(by_id[v.pickup_id] for v in route.visits))


def test_an_inserted_pickup_keeps_the_route_feasible_and_costs_what_it_says(
    city: tuple[list[Collector], list[Pickup]], planned: Plan
) -> None:
    collectors, pickups = city
    live = [route_of(collectors, planned, pickups, i) for i in range(len(planned.routes))]
    new = Pickup(777, offset(0.5, 0.5), (10 * 3600, 17 * 3600), 300, 2_000, 10)
    found = cheapest_insertion(live, new, now_s=8 * 3600)
    assert found is not None
    target = next(r for r in live if r.collector.id == found.collector_id)
    stops = list(target.stops)
    stops.insert(found.position, new)
    before = DISTANCES.matrix(
        [target.collector.home, *(p.at for p in target.stops), target.collector.station]
    )
    after = DISTANCES.matrix(
        [target.collector.home, *(p.at for p in stops), target.collector.station]
    )
    legs = lambda m, k: sum(int(m[i, i + 1]) for i in range(k + 1))  # noqa: E731
    assert legs(after, len(stops)) - legs(before, len(target.stops)) == found.added_m
    # Re-drive the changed route with the checker.
    routes = [r for r in planned.routes if r.collector_id != found.collector_id]
    changed = routing.Route(
        found.collector_id, tuple(routing.Visit(p.id, 0, 0, 0) for p in stops), 0, 0
    )
    plan = Plan((*routes, changed), dict(planned.unserved.items()))
    assert routing.check_plan(collectors, [*pickups, new], plan, DISTANCES).feasible


def test_no_insertion_before_a_started_stop_and_none_when_nothing_fits(
    city: tuple[list[Collector], list[Pickup]], planned: Plan
) -> None:
    collectors, pickups = city
    live = route_of(collectors, planned, pickups, 0)
    started = LiveRoute(live.collector, live.stops, locked=len(live.stops))
    new = Pickup(778, live.stops[0].at, (8 * 3600, 18 * 3600), 60, 1_000, 1)
    found = cheapest_insertion([started], new, now_s=9 * 3600)
    if found is not None:
        assert found.position == len(live.stops)
    too_heavy = Pickup(779, offset(0, 0), (8 * 3600, 18 * 3600), 60, 10**9, 1)
    assert cheapest_insertion([live], too_heavy, now_s=8 * 3600) is None
    closed = Pickup(780, offset(0, 0), (8 * 3600, 8 * 3600 + 1), 60, 1_000, 1)
    assert cheapest_insertion([live], closed, now_s=12 * 3600) is None


def test_a_required_pickup_is_served_where_an_optional_one_would_be_dropped() -> None:
    # One tricycle with room for one of two bulky pickups: the required one is served,
    # though the other is nearer (and worth more km than it costs).
    collector = Collector(
        1, offset(0, 0), offset(0, 0), routing.VEHICLES["tricycle"], (8 * 3600, 18 * 3600)
    )
    near, far = (
        Pickup(i, offset(0, km), (8 * 3600, 18 * 3600), 600, 10_000, 1_000, required=i == 2)
        for i, km in ((1, 0.5), (2, 3.0))
    )
    plan = routing.plan_day([collector], [near, far], seconds=1)
    assert [v.pickup_id for r in plan.routes for v in r.visits] == [2]
    assert set(plan.unserved) == {1}


def test_left_out_pickups_are_inserted_into_the_plan_where_they_cost_least(
    city: tuple[list[Collector], list[Pickup]], planned: Plan
) -> None:
    collectors, pickups = city
    served = [v.pickup_id for r in planned.routes for v in r.visits]
    dropped = set(served[:3])
    trimmed = Plan(
        tuple(
            routing.Route(
                r.collector_id,
                tuple(v for v in r.visits if v.pickup_id not in dropped),
                r.distance_m,
                r.back_s,
            )
            for r in planned.routes
        ),
        {**planned.unserved, **dict.fromkeys(dropped, "dropped")},
    )
    again = insert_into_plan(trimmed, collectors, pickups, dropped, now_s=0)
    assert_sound(collectors, pickups, again)
    assert again.served == planned.served
    assert dropped.isdisjoint(again.unserved)
    # A pickup no collector can reach stays unserved.
    nowhere = Pickup(999, offset(200, 200), (8 * 3600, 9 * 3600), 600, 1_000, 10)
    kept = insert_into_plan(
        Plan(planned.routes, {**planned.unserved, 999: "far"}),
        collectors,
        [*pickups, nowhere],
        {999},
        now_s=0,
    )
    assert kept.unserved[999] == "far"
    assert kept.routes == planned.routes


def test_a_search_started_from_routes_is_never_worse_than_them(
    city: tuple[list[Collector], list[Pickup]], planned: Plan
) -> None:
    collectors, pickups = city
    start = {r.collector_id: [v.pickup_id for v in r.visits] for r in planned.routes}
    required = [
        replace(p, required=True) if p.id in {i for s in start.values() for i in s} else p
        for p in pickups
    ]
    again = routing.plan_day(collectors, required, seconds=0.5, workers=1, start=start)
    assert_sound(collectors, required, again)
    assert again.served >= planned.served
    report = routing.check_plan(collectors, required, again, DISTANCES)
    assert report.distance <= routing.check_plan(collectors, pickups, planned, DISTANCES).distance


def test_a_stop_goes_back_to_its_owner_unless_the_move_saves_enough() -> None:
    shift = (8 * 3600, 18 * 3600)
    van = routing.VEHICLES["van"]
    west = Collector(1, offset(0, -2), offset(0, -2), van, shift)
    east = Collector(2, offset(0, 2), offset(0, 2), van, shift)
    middle = Pickup(10, offset(0, 0.1), shift, 600, 10_000, 50)
    moved = Plan((routing.Route(2, (routing.Visit(10, 0, 0, 0),), 0, 0),))
    # Moving the middle stop from west to east saves about 2 × 0.2 km × 1.3: not 1 km.
    kept = keep_with_owners(moved, [west, east], [middle], {10: 1}, now_s=0, threshold_m=1_000)
    assert [(r.collector_id, [v.pickup_id for v in r.visits]) for r in kept.routes] == [(1, [10])]
    assert_sound([west, east], [middle], kept)
    # A threshold below the saving lets the move stand.
    stays = keep_with_owners(moved, [west, east], [middle], {10: 1}, now_s=0, threshold_m=100)
    assert stays.routes == moved.routes


def test_a_collectors_start_route_is_whole_in_its_zone() -> None:
    from ewaste.routing.planner import _with_start, split_into_zones

    rng = random.Random(5)
    collectors = [
        Collector(
            i,
            offset(rng.uniform(-20, 20), rng.uniform(-20, 20)),
            CENTRE,
            routing.VEHICLES["van"],
            (8 * 3600, 18 * 3600),
        )
        for i in range(1, 51)
    ]
    pickups = [
        Pickup(
            100 + j, offset(rng.uniform(-20, 20), rng.uniform(-20, 20)), (28800, 64800), 300, 1, 1
        )
        for j in range(200)
    ]
    zones = split_into_zones(collectors, pickups)
    assert len(zones) == 2
    # Collector 1's day so far: one stop from each zone.
    first = next(z for z in zones if any(c.id == 1 for c in z.collectors))
    other = next(z for z in zones if z is not first)
    start = {1: [first.pickups[0].id, other.pickups[0].id]}
    placed = _with_start(zones, start)
    mine = next(z for z in placed if any(c.id == 1 for c in z.collectors))
    assert mine.start == ((1, (first.pickups[0].id, other.pickups[0].id)),)
    assert sorted(p.id for z in placed for p in z.pickups) == sorted(p.id for p in pickups)
