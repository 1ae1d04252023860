"""The city routing model: collectors with their vehicles, pickups with their windows, plans.

Times are seconds since midnight (China time) on the day planned; masses are grams,
volumes litres, distances metres. Everything here is plain data for the planner, the
greedy baseline and live insertion; `dispatch` builds it from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ewaste.kernel.geo import GeoPoint


class Skill(StrEnum):
    """What some pickups need of the collector who takes them."""

    AIR_CONDITIONER_REMOVAL = "air_conditioner_removal"
    REFRIGERANT = "refrigerant"
    HEAVY = "heavy"


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    """A kind of vehicle: what it carries, how fast it goes in town, what a km costs."""

    kind: str
    capacity_g: int
    capacity_l: int
    speed_kmh: float
    cost_fen_per_km: int


VEHICLES: dict[str, VehicleSpec] = {
    # Estimates for Shenzhen (docs/adr/0011): an electric cargo tricycle, a light van,
    # a 4.2 m light truck; urban average speeds including stops at lights.
    "tricycle": VehicleSpec("tricycle", 300_000, 1_500, 12.0, 25),
    "van": VehicleSpec("van", 1_000_000, 6_000, 22.0, 110),
    "truck": VehicleSpec("truck", 3_000_000, 16_000, 20.0, 220),
}


@dataclass(frozen=True, slots=True)
class Collector:
    """A collector for one day: starts at home, ends at a chosen station, within a shift."""

    id: int
    home: GeoPoint
    station: GeoPoint
    vehicle: VehicleSpec
    shift: tuple[int, int]
    skills: frozenset[str] = frozenset()
    area: tuple[GeoPoint, int] | None = None
    """Service area: a centre and a radius in metres (None: the whole city)."""


@dataclass(frozen=True, slots=True)
class Pickup:
    """An order to collect: where, when (service starts inside the window), how much."""

    id: int
    at: GeoPoint
    window: tuple[int, int]
    service_s: int
    grams: int
    litres: int
    skills: frozenset[str] = frozenset()
    priority: int = 1
    """1 normal, 2 urgent: an urgent pickup is worth more to serve than a normal one;
    PROMISED for one already given to a collector."""
    required: bool = False
    """The planner must serve it (a stop already in a feasible route: it may move, never
    drop out); a plan that cannot is infeasible."""


PROMISED = 10
"""Priority of a pickup already promised to a collector: worth ten new ones, so a plan
moves it to whichever route takes it for fewest km but never leaves it out for new ones."""


@dataclass(frozen=True, slots=True)
class Visit:
    """A pickup in a route: when the collector arrives and when service starts and ends."""

    pickup_id: int
    arrive_s: int
    start_s: int
    leave_s: int


@dataclass(frozen=True, slots=True)
class Route:
    """One collector's day: visits in order, metres driven (home → … → station)."""

    collector_id: int
    visits: tuple[Visit, ...]
    distance_m: int
    back_s: int


@dataclass(frozen=True, slots=True)
class Plan:
    """Routes for the collectors, and each pickup left out with the reason why."""

    routes: tuple[Route, ...]
    unserved: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def served(self) -> int:
        """How many pickups are in a route."""
        return sum(len(r.visits) for r in self.routes)

    @property
    def distance_m(self) -> int:
        """Metres driven by every collector, home to station."""
        return sum(r.distance_m for r in self.routes)


class UnservedReason(StrEnum):
    """Why a pickup is in no route (shown to the operator)."""

    NO_SKILL = "no collector has the skills it needs"
    TOO_BIG = "too heavy or too bulky for every vehicle"
    UNREACHABLE = "no collector can reach it inside its window and shift"
    NO_ROOM = "no room left in any route that could reach it"
    TOO_FAR = "no route could take it for fewer km than a pickup is worth today"
