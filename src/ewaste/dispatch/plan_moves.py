"""Which of a city plan's moves pay for themselves (pure rules, no database).

A city plan is judged against the routes kept as they are (waiting pickups put where they
cost least). Its moves are not judged all at once: a plan is cut into *groups* of
collectors whose stops are entangled — a stop one of them has now, or the plan or the
kept routes give one of them, ties them together — and each group takes the plan's
routes only when, within the group, the km saved plus PICKUP_WORTH_M for each pickup more
served reach MOVE_THRESHOLD_M per stop it gives to another collector. Any other group
keeps its routes, except for those of the plan's moves that pay on their own, one at a
time (the stop taken out of the kept route and put where it costs least in the route of
the collector the plan gives it to). No pickup can end up in two routes or in none: every
collector that holds it in either version is in its group, and a group takes one version
whole or the kept one with single stops relocated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ewaste import routing
from ewaste.routing.insertion import LiveRoute, cheapest_insertion, drive_route, removal_gain

MOVE_THRESHOLD_M = 1_000
"""A stop a collector already has moves to another only when the plan saves more than this
by it: plans made again and again (the worker's, every half hour) do not shuffle stops
between collectors for a few metres."""
PICKUP_WORTH_M = routing.PRIZE_KM * 1_000
"""What serving a pickup today is worth, in metres: the planner's own prize."""


def moves(plan: routing.Plan, owners: Mapping[int, int]) -> int:
    """Stops the plan gives to a collector other than the one that has them (`owners`:
    pickup → its collector now; waiting pickups are not in it)."""
    return sum(
        1
        for r in plan.routes
        for v in r.visits
        if owners.get(v.pickup_id, r.collector_id) != r.collector_id
    )


def pays(saved_m: int, more_served: int, moved: int) -> bool:
    """Whether `saved_m` metres and `more_served` pickups pay for `moved` moved stops."""
    return saved_m + PICKUP_WORTH_M * more_served >= MOVE_THRESHOLD_M * moved


def paying_part(
    plan: routing.Plan,
    kept: routing.Plan,
    owners: Mapping[int, int],
    fleet: Sequence[routing.Collector],
    pickups: Sequence[routing.Pickup],
    *,
    required: frozenset[int] = frozenset(),
) -> tuple[routing.Plan, int]:
    """The plan where its moves pay, the kept routes elsewhere (the module says how), and
    how many of the plan's moves were declined. Both plans must be sound on their own;
    route km are re-driven (`drive_route`), not taken from the plans. A group whose plan
    drops one of the `required` stops its kept routes serve never takes the plan."""
    by_collector = {c.id: c for c in fleet}
    by_pickup = {p.id: p for p in pickups}
    planned, kept_routes = _by_collector(plan), _by_collector(kept)
    group = _groups(planned, kept_routes, owners)

    def metres(route: routing.Route) -> int:
        stops = [by_pickup[v.pickup_id] for v in route.visits]
        return drive_route(by_collector[route.collector_id], stops).distance_m

    members: dict[int, list[int]] = {}
    for cid in group:
        members.setdefault(group[cid], []).append(cid)
    chosen: list[routing.Route] = []
    declined = 0
    for cids in members.values():
        mine = [planned[c] for c in cids if c in planned]
        theirs = [kept_routes[c] for c in cids if c in kept_routes]
        moved = moves(routing.Plan(tuple(mine)), owners)
        saved = sum(map(metres, theirs)) - sum(map(metres, mine))
        more = sum(len(r.visits) for r in mine) - sum(len(r.visits) for r in theirs)
        kept_ids = {v.pickup_id for r in theirs for v in r.visits}
        planned_ids = {v.pickup_id for r in mine for v in r.visits}
        drops = bool((kept_ids - planned_ids) & required)
        if not drops and pays(saved, more, moved):
            chosen += mine
        else:
            salvaged, taken = _paying_moves(
                theirs, mine, cids, owners, by_collector=by_collector, by_pickup=by_pickup
            )
            chosen += salvaged
            declined += moved - taken
    routed = {v.pickup_id for r in chosen for v in r.visits}
    unserved = {
        p.id: plan.unserved.get(p.id)
        or kept.unserved.get(p.id)
        or routing.UnservedReason.NO_ROOM.value
        for p in pickups
        if p.id not in routed
    }
    order = {cid: k for k, cid in enumerate(by_collector)}
    chosen.sort(key=lambda r: order.get(r.collector_id, len(order)))
    return routing.Plan(tuple(chosen), unserved, plan.seconds), declined


def _paying_moves(
    kept: Sequence[routing.Route],
    planned: Sequence[routing.Route],
    group: Sequence[int],
    owners: Mapping[int, int],
    *,
    by_collector: Mapping[int, routing.Collector],
    by_pickup: Mapping[int, routing.Pickup],
) -> tuple[list[routing.Route], int]:
    """The group's kept routes with the plan's single moves that pay alone: the best first,
    again and again, each stop at most once. A move pays when the metres it saves reach
    MOVE_THRESHOLD_M for a stop leaving the collector that has it now (nothing for a
    waiting pickup or a stop going back to its collector; it must still save something).
    Returns the routes (those changed driven again) and how many moved stops were taken."""
    stops: dict[int, list[routing.Pickup]] = {cid: [] for cid in group} | {
        r.collector_id: [by_pickup[v.pickup_id] for v in r.visits] for r in kept
    }
    holder = {p.id: cid for cid, route in stops.items() for p in route}
    proposed = {
        v.pickup_id: r.collector_id
        for r in planned
        if r.collector_id in by_collector
        for v in r.visits
        if holder.get(v.pickup_id, r.collector_id) != r.collector_id
    }

    def worth(pid: int) -> tuple[int, int, int] | None:
        """(net metres, position in the new route, 1 if a collector's stop moves) or None."""
        here, to = holder[pid], proposed[pid]
        moved = 1 if owners.get(pid) == here else 0
        route = stops[here]
        saved = removal_gain(by_collector[here], route, route.index(by_pickup[pid]))
        place = cheapest_insertion(
            [LiveRoute(by_collector[to], tuple(stops[to]))], by_pickup[pid], now_s=0
        )
        if place is None:
            return None
        gain = saved - place.added_m
        if gain <= 0 or not pays(gain, 0, moved):
            return None
        return gain - MOVE_THRESHOLD_M * moved, place.position, moved

    known = {pid: worth(pid) for pid in sorted(proposed)}
    changed: set[int] = set()
    taken = 0
    while True:
        paying = [(found[0], -pid) for pid, found in known.items() if found is not None]
        if not paying:
            break
        pid = -max(paying)[1]
        found = known.pop(pid)
        assert found is not None
        _, position, moved = found
        to, here = proposed.pop(pid), holder[pid]
        stops[here].remove(by_pickup[pid])
        stops[to].insert(position, by_pickup[pid])
        holder[pid] = to
        changed |= {here, to}
        taken += moved
        for other in known:  # only moves touching the two routes changed
            if holder[other] in (here, to) or proposed[other] in (here, to):
                known[other] = worth(other)
    routes = [r for r in kept if r.collector_id not in changed]
    routes += [drive_route(by_collector[c], stops[c]) for c in sorted(changed) if stops[c]]
    return routes, taken


def _by_collector(plan: routing.Plan) -> dict[int, routing.Route]:
    return {r.collector_id: r for r in plan.routes}


def _groups(
    planned: Mapping[int, routing.Route],
    kept: Mapping[int, routing.Route],
    owners: Mapping[int, int],
) -> dict[int, int]:
    """{collector: its group's representative}: collectors holding one pickup — now, in
    the plan or in the kept routes — are in one group (union-find)."""
    parent: dict[int, int] = {}

    def find(c: int) -> int:
        parent.setdefault(c, c)
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    holders: dict[int, set[int]] = {pid: {cid} for pid, cid in owners.items()}
    for routes in (planned, kept):
        for cid, route in routes.items():
            find(cid)
            for v in route.visits:
                holders.setdefault(v.pickup_id, set()).add(cid)
    for cids in holders.values():
        first, *rest = cids
        for other in rest:
            parent[find(other)] = find(first)
    return {cid: find(cid) for cid in parent}
