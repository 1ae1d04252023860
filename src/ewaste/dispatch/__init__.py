"""Dispatch: collector profiles, assignment, and route sheets (routing in ewaste.routing)."""

from ewaste.dispatch.route_sheets import (
    RouteSheet,
    RouteSummary,
    SheetStop,
    route_sheet,
    route_summaries,
)
from ewaste.dispatch.rules import (
    SKILLS,
    CollectorNotFound,
    InvalidArea,
    InvalidCapacity,
    InvalidShift,
    InvalidVolume,
    NoEligibleCollector,
    UnknownSkill,
    Vehicle,
)
from ewaste.dispatch.services import (
    DispatchRound,
    assign_pickup,
    assign_waiting_pickups,
    register_collector,
)

__all__ = [
    "SKILLS",
    "CollectorNotFound",
    "DispatchRound",
    "InvalidArea",
    "InvalidCapacity",
    "InvalidShift",
    "InvalidVolume",
    "NoEligibleCollector",
    "RouteSheet",
    "RouteSummary",
    "SheetStop",
    "UnknownSkill",
    "Vehicle",
    "assign_pickup",
    "assign_waiting_pickups",
    "register_collector",
    "route_sheet",
    "route_summaries",
]
