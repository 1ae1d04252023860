"""The baseline the planner is measured against: every collector grabs the nearest order.

Collectors move in turn (whoever is free earliest goes next); each takes the nearest
unassigned pickup it can still reach inside the pickup's window with room on the
vehicle and the skills it needs, and still get to its station before the shift ends;
a collector with nothing left to take drives to its station. This is how informal
collectors work today, and what "nearest collector" dispatch amounts to.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence

import numpy as np

from ewaste.routing.distances import DETOUR_FACTOR, great_circle_m
from ewaste.routing.fleet import Collector, Pickup, Plan, Route, Visit
from ewaste.routing.planner import unplannable


def greedy_plan(
    collectors: Sequence[Collector], pickups: Sequence[Pickup], *, detour: float = DETOUR_FACTOR
) -> Plan:
    """The nearest-order plan (great-circle metres × `detour`)."""
    started = time.perf_counter()
    unserved = unplannable(collectors, pickups)
    open_ = np.array([p.id not in unserved for p in pickups])
    lat = np.radians([p.at.lat for p in pickups])
    lon = np.radians([p.at.lon for p in pickups])
    early = np.array([p.window[0] for p in pickups])
    late = np.array([p.window[1] for p in pickups])
    service = np.array([p.service_s for p in pickups])
    grams = np.array([p.grams for p in pickups])
    litres = np.array([p.litres for p in pickups])

    def metres_from(lat0: float, lon0: float, to_lat: np.ndarray, to_lon: np.ndarray) -> np.ndarray:
        return np.rint(great_circle_m(lat0, lon0, to_lat, to_lon) * detour)

    routes: dict[int, list[Visit]] = {c.id: [] for c in collectors}
    driven: dict[int, int] = {c.id: 0 for c in collectors}
    back: dict[int, int] = {}
    state = {
        c.id: (np.radians(c.home.lat), np.radians(c.home.lon), c.shift[0], 0, 0) for c in collectors
    }
    by_id = {c.id: c for c in collectors}
    skilled = {c.id: np.array([p.skills <= c.skills for p in pickups]) for c in collectors}
    to_station = {
        c.id: metres_from(np.radians(c.station.lat), np.radians(c.station.lon), lat, lon)
        for c in collectors
    }
    turns = [(c.shift[0], c.id) for c in collectors]
    heapq.heapify(turns)
    while turns:
        _, cid = heapq.heappop(turns)
        c = by_id[cid]
        plat, plon, now, g, li = state[cid]
        speed = c.vehicle.speed_kmh / 3.6
        metres = metres_from(plat, plon, lat, lon)
        arrive = now + np.ceil(metres / speed)
        begin = np.maximum(arrive, early)
        home_by = begin + service + np.ceil(to_station[cid] / speed)
        ok = (
            open_
            & skilled[cid]
            & (arrive <= late)
            & (home_by <= c.shift[1])
            & (g + grams <= c.vehicle.capacity_g)
            & (li + litres <= c.vehicle.capacity_l)
        )
        if not ok.any():
            station_m = int(
                metres_from(
                    plat,
                    plon,
                    np.array([np.radians(c.station.lat)]),
                    np.array([np.radians(c.station.lon)]),
                )[0]
            )
            driven[cid] += station_m
            back[cid] = int(now + np.ceil(station_m / speed))
            continue
        pick = int(np.argmin(np.where(ok, metres, np.inf)))
        open_[pick] = False
        p = pickups[pick]
        start = int(begin[pick])
        routes[cid].append(Visit(p.id, int(arrive[pick]), start, start + p.service_s))
        driven[cid] += int(metres[pick])
        state[cid] = (lat[pick], lon[pick], start + p.service_s, g + p.grams, li + p.litres)
        heapq.heappush(turns, (start + p.service_s, cid))
    for p, still_open in zip(pickups, open_, strict=True):
        if still_open:
            unserved[p.id] = "no collector took it before its window closed"
    built = tuple(
        Route(cid, tuple(visits), driven[cid], back.get(cid, by_id[cid].shift[0]))
        for cid, visits in routes.items()
        if visits
    )
    return Plan(built, unserved, time.perf_counter() - started)
