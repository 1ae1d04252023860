"""Re-optimising the unstarted stops of a live route with PyVRP: better orders are found and
checked, locked stops never move, nothing worse or infeasible is ever returned."""

from __future__ import annotations

from ewaste.kernel.geo import GeoPoint
from ewaste.routing import VEHICLES, Collector, HaversineDistances, Pickup, reoptimise
from ewaste.routing.insertion import LiveRoute
from ewaste.routing.reoptimise import check_order, tail_collector

HOME = GeoPoint(22.5223, 114.0553)
DAY = (8 * 3600, 20 * 3600)


def east(km: float) -> GeoPoint:
    return GeoPoint(HOME.lat, HOME.lon + km / 103.0)


def stop(pid: int, km: float, window: tuple[int, int] = DAY) -> Pickup:
    return Pickup(pid, east(km), window, service_s=600, grams=30_000, litres=200)


def van(**kw: object) -> Collector:
    return Collector(1, HOME, HOME, VEHICLES["van"], DAY, frozenset(), **kw)  # type: ignore[arg-type]


def zigzag() -> tuple[Pickup, ...]:
    return tuple(stop(k, k) for k in (5, 1, 4, 2, 3))


def test_a_zigzag_is_straightened_and_the_new_order_checks_feasible() -> None:
    route = LiveRoute(van(), zigzag())
    result = reoptimise(route, now_s=DAY[0])
    assert result.improved
    assert result.feasible
    assert result.after_m < result.before_m * 0.8
    assert sorted(p.id for p in result.stops) == [1, 2, 3, 4, 5]
    # Out and back along the line: 10 km of straight line, times the detour factor.
    assert abs(result.after_m - 13_000) < 100
    again = check_order(van(), result.stops, HaversineDistances())
    assert again.feasible
    assert again.distance == result.after_m


def test_the_same_route_gives_the_same_answer() -> None:
    route = LiveRoute(van(), zigzag())
    first = reoptimise(route, now_s=DAY[0])
    second = reoptimise(route, now_s=DAY[0])
    assert [p.id for p in first.stops] == [p.id for p in second.stops]


def test_locked_stops_keep_their_place_and_the_rest_starts_from_the_last_of_them() -> None:
    route = LiveRoute(van(), zigzag(), locked=2)  # at the door of stop 1, after stop 5
    result = reoptimise(route, now_s=DAY[0])
    assert [p.id for p in result.stops[:2]] == [5, 1]
    assert result.locked == 2
    assert result.improved
    # From stop 1 (1 km east) to 2, 3, 4 and back home: 3 + 4 = 7 km of line at best.
    assert sorted(p.id for p in result.stops[2:]) == [2, 3, 4]
    assert abs(result.after_m - 9_100) < 100
    tail = tail_collector(route, now_s=DAY[0], distances=HaversineDistances())
    assert tail.home == east(1)
    assert tail.vehicle.capacity_g == VEHICLES["van"].capacity_g - 60_000


def test_the_start_of_the_rest_is_not_before_now() -> None:
    route = LiveRoute(van(), zigzag())
    tail = tail_collector(route, now_s=15 * 3600, distances=HaversineDistances())
    assert tail.shift == (15 * 3600, DAY[1])


def test_a_good_order_comes_back_unchanged() -> None:
    best = tuple(stop(k, k) for k in (1, 2, 3, 4, 5))
    result = reoptimise(LiveRoute(van(), best), now_s=DAY[0])
    assert not result.improved
    assert result.stops == best
    assert result.after_m == result.before_m


def test_windows_win_over_kilometres() -> None:
    # Stop 5 must be served first (by 08:30): the straight line would be late there.
    early_far = stop(5, 5, (DAY[0], DAY[0] + 1800))
    stops = (stop(1, 1), stop(2, 2), early_far)
    result = reoptimise(LiveRoute(van(), stops), now_s=DAY[0])
    assert result.feasible
    assert result.stops[0].id == 5


def test_an_order_that_cannot_be_made_feasible_is_left_as_it_is() -> None:
    # Both must start by 08:10, 5 km apart: no order serves both in time.
    tight = (DAY[0], DAY[0] + 600)
    stops = (stop(1, 5, tight), stop(2, -5, tight))
    result = reoptimise(LiveRoute(van(), stops), now_s=DAY[0])
    assert not result.improved
    assert not result.feasible
    assert result.stops == stops


def test_extra_stops_that_fit_nowhere_by_insertion_are_placed_by_the_solver() -> None:
    # A stop appended last breaks its window; PyVRP finds the order that keeps it.
    early_far = stop(9, 5, (DAY[0], DAY[0] + 1800))
    route = LiveRoute(van(), (stop(1, 1), stop(2, 2)))
    result = reoptimise(route, now_s=DAY[0], extra=(early_far,))
    assert result.improved
    assert result.feasible
    assert result.stops[0].id == 9


def test_one_stop_or_none_is_nothing_to_reorder() -> None:
    assert reoptimise(LiveRoute(van(), ()), now_s=DAY[0]).stops == ()
    single = reoptimise(LiveRoute(van(), (stop(1, 1),)), now_s=DAY[0])
    assert not single.improved
    assert single.feasible
