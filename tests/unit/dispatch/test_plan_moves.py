"""A city plan's moves pay for themselves group by group: collectors whose stops a plan
entangles take its routes together or keep theirs together, and no pickup ever ends up in
two routes or in none."""

from __future__ import annotations

from ewaste.dispatch import plan_moves
from ewaste.kernel.geo import GeoPoint
from ewaste.routing import VEHICLES, Collector, HaversineDistances, Pickup, Plan, check_plan
from ewaste.routing.insertion import drive_route

ORIGIN = GeoPoint(22.5223, 114.0553)
DAY = (8 * 3600, 20 * 3600)


def east(km: float, north_km: float = 0.0) -> GeoPoint:
    return GeoPoint(ORIGIN.lat + north_km / 111.0, ORIGIN.lon + km / 103.0)


def collector(cid: int, km: float, north_km: float = 0.0) -> Collector:
    base = east(km, north_km)
    return Collector(cid, base, base, VEHICLES["van"], DAY)


def stop(pid: int, km: float, north_km: float = 0.0) -> Pickup:
    return Pickup(pid, east(km, north_km), DAY, service_s=600, grams=30_000, litres=200)


# Two places 50 km apart: collectors 7 and 8 in the south, 9 and 10 in the north.
FLEET = [collector(7, 0), collector(8, 10), collector(9, 0, 50), collector(10, 4, 50)]
BY_ID = {c.id: c for c in FLEET}


def plan(pickups: list[Pickup], routes: dict[int, list[int]]) -> Plan:
    by_id = {p.id: p for p in pickups}
    driven = tuple(
        drive_route(BY_ID[cid], [by_id[i] for i in ids]) for cid, ids in routes.items() if ids
    )
    routed = {i for ids in routes.values() for i in ids}
    return Plan(driven, {p.id: "left out" for p in pickups if p.id not in routed})


def holders(result: Plan) -> dict[int, int]:
    return {v.pickup_id: r.collector_id for r in result.routes for v in r.visits}


def test_moves_count_the_stops_given_to_another_collector() -> None:
    pickups = [stop(1, 1), stop(2, 2), stop(3, 9)]
    owners = {1: 7, 2: 7, 3: 8}
    assert plan_moves.moves(plan(pickups, {7: [1], 8: [2, 3]}), owners) == 1
    assert plan_moves.moves(plan(pickups, {8: [1, 2], 7: [3]}), owners) == 3
    # A waiting pickup (no owner) given out is not a move.
    assert plan_moves.moves(plan([*pickups, stop(4, 1)], {7: [1, 2, 4], 8: [3]}), owners) == 0


def test_moves_pay_with_km_saved_or_pickups_served() -> None:
    assert plan_moves.pays(saved_m=3_000, more_served=0, moved=3)
    assert not plan_moves.pays(saved_m=2_900, more_served=0, moved=3)
    assert plan_moves.pays(saved_m=-5_000, more_served=1, moved=3)
    assert plan_moves.pays(saved_m=0, more_served=0, moved=0)
    assert not plan_moves.pays(saved_m=-1, more_served=0, moved=0)


def test_a_group_whose_moves_pay_takes_the_plan_and_another_keeps_its_routes() -> None:
    pickups = [
        stop(1, 9.5),  # 7's, next to 8's base: moving it saves ~24 km
        stop(2, 0.5),
        stop(3, 2, 50),  # 9's, half way to 10: moving it saves nothing
        stop(4, 0.5, 50),
    ]
    owners = {1: 7, 2: 7, 3: 9, 4: 9}
    kept = plan(pickups, {7: [1, 2], 9: [3, 4]})
    searched = plan(pickups, {7: [2], 8: [1], 9: [4], 10: [3]})
    result, declined = plan_moves.paying_part(searched, kept, owners, FLEET, pickups)
    assert holders(result) == {1: 8, 2: 7, 3: 9, 4: 9}
    assert declined == 1
    assert check_plan(FLEET, pickups, result, HaversineDistances()).feasible


def test_a_waiting_pickup_ties_the_collectors_that_would_take_it() -> None:
    # The kept routes give waiting pickup 5 to 9; the plan gives it to 10 with 9's stop 3,
    # for 3.9 km more. Judged alone, 10 would take the plan (two pickups more) and 9 keep
    # its route: 3 and 5 in two routes. Tied by 5, they keep their routes together.
    pickups = [stop(3, 2, 50), stop(4, 0.5, 50), stop(5, 1, 50)]
    owners = {3: 9, 4: 9}
    kept = plan(pickups, {9: [4, 5, 3]})
    searched = plan(pickups, {9: [4], 10: [3, 5]})
    result, declined = plan_moves.paying_part(searched, kept, owners, FLEET, pickups)
    assert (holders(result), declined) == ({3: 9, 4: 9, 5: 9}, 1)
    assert check_plan(FLEET, pickups, result, HaversineDistances()).feasible


def test_a_pickup_more_served_pays_for_the_moves_that_make_room() -> None:
    pickups = [stop(3, 2, 50), stop(6, 3, 50)]
    owners = {3: 9}
    kept = plan(pickups, {9: [3]})  # 6 left out
    searched = plan(pickups, {10: [3, 6]})
    result, declined = plan_moves.paying_part(searched, kept, owners, FLEET, pickups)
    assert (holders(result), declined) == ({3: 10, 6: 10}, 0)
    assert result.unserved == {}


def test_a_group_that_moves_nothing_takes_the_shorter_version() -> None:
    pickups = [stop(1, 1), stop(2, 2), stop(3, 3)]
    owners = {1: 7, 2: 7, 3: 7}
    kept = plan(pickups, {7: [1, 2, 3]})
    zigzag = plan(pickups, {7: [3, 1, 2]})
    result, declined = plan_moves.paying_part(zigzag, kept, owners, FLEET, pickups)
    assert [v.pickup_id for v in result.routes[0].visits] == [1, 2, 3]
    assert declined == 0


def test_a_group_whose_plan_drops_a_promised_stop_keeps_its_routes() -> None:
    # The plan serves a new pickup (worth far more than the moves) but drops stop 3,
    # which the kept routes serve and which was promised: the group keeps its routes.
    pickups = [stop(3, 2, 50), stop(4, 0.5, 50), stop(6, 3, 50)]
    owners = {3: 9, 4: 9}
    kept = plan(pickups, {9: [4, 3]})
    searched = plan(pickups, {10: [4, 6]})
    result, declined = plan_moves.paying_part(
        searched, kept, owners, FLEET, pickups, required=frozenset({3, 4})
    )
    assert (holders(result), declined) == ({3: 9, 4: 9}, 1)
    assert result.unserved == {6: "left out"}


def test_a_declined_group_still_takes_the_moves_that_pay_alone() -> None:
    # The plan gives all four of 7's stops to 8: about as long as 7 driving them, so four
    # moves do not pay as a whole. Stop 1 alone, next to 8's base, saves ~22 km: taken.
    pickups = [stop(1, 9.5), stop(2, 0.5), stop(11, 0.3), stop(12, 0.7)]
    owners = {1: 7, 2: 7, 11: 7, 12: 7}
    kept = plan(pickups, {7: [11, 2, 12, 1]})
    searched = plan(pickups, {8: [11, 2, 12, 1]})
    result, declined = plan_moves.paying_part(searched, kept, owners, FLEET, pickups)
    assert (holders(result), declined) == ({1: 8, 2: 7, 11: 7, 12: 7}, 3)
    assert check_plan(FLEET, pickups, result, HaversineDistances()).feasible
    assert [v.pickup_id for r in result.routes if r.collector_id == 7 for v in r.visits] == [
        11,
        2,
        12,
    ]


def test_a_waiting_pickup_goes_where_the_plan_puts_it_when_that_is_shorter() -> None:
    # The kept routes gave waiting pickup 5 to 7 (far) and the plan gives it to 8 together
    # with a move of 7's stop 2 that does not pay: 5 alone goes to 8 (no move to pay for).
    pickups = [stop(2, 0.5), stop(5, 9)]
    owners = {2: 7}
    kept = plan(pickups, {7: [2, 5]})
    searched = plan(pickups, {8: [2, 5]})
    result, declined = plan_moves.paying_part(searched, kept, owners, FLEET, pickups)
    assert (holders(result), declined) == ({2: 7, 5: 8}, 1)
