"""Dispatch (foundation): collector profiles and nearest-eligible assignment."""

from ewaste.dispatch.rules import (
    CollectorNotFound,
    InvalidCapacity,
    NoEligibleCollector,
    Vehicle,
)
from ewaste.dispatch.services import (
    DispatchRound,
    assign_pickup,
    assign_waiting_pickups,
    register_collector,
)

__all__ = [
    "CollectorNotFound",
    "DispatchRound",
    "InvalidCapacity",
    "NoEligibleCollector",
    "Vehicle",
    "assign_pickup",
    "assign_waiting_pickups",
    "register_collector",
]
