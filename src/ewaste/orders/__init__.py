"""Household pickups: booking, door collection with payment and tagging, cancellation."""

from ewaste.orders.queries import PickupView, pickup_counts_by_status, pickups_for
from ewaste.orders.rules import (
    IllegalPickupTransition,
    InvalidAddress,
    InvalidContact,
    InvalidWindow,
    ItemsDoNotMatchQuote,
    PickupNotFound,
    PickupStatus,
    TimeWindow,
)
from ewaste.orders.services import (
    Collection,
    CollectorNotEligible,
    DoorUnit,
    assign_collector,
    book_pickup,
    cancel_pickup,
    collect_pickup,
    expire_unconfirmed_pickups,
    get_pickup,
    open_load_by_collector,
    waiting_pickups,
)

__all__ = [
    "Collection",
    "CollectorNotEligible",
    "DoorUnit",
    "IllegalPickupTransition",
    "InvalidAddress",
    "InvalidContact",
    "InvalidWindow",
    "ItemsDoNotMatchQuote",
    "PickupNotFound",
    "PickupStatus",
    "PickupView",
    "TimeWindow",
    "assign_collector",
    "book_pickup",
    "cancel_pickup",
    "collect_pickup",
    "expire_unconfirmed_pickups",
    "get_pickup",
    "open_load_by_collector",
    "pickup_counts_by_status",
    "pickups_for",
    "waiting_pickups",
]
