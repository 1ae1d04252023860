"""Permissions as `scope:resource:action` and the role → permission map."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from ewaste.identity.rules import Role


class Permission(StrEnum):
    """Everything an actor may be allowed to do; object checks live in each domain's access.py."""

    HOUSEHOLD_QUOTE_CREATE = "household:quote:create"
    HOUSEHOLD_QUOTE_READ = "household:quote:read"
    HOUSEHOLD_PICKUP_CREATE = "household:pickup:create"
    HOUSEHOLD_PICKUP_READ = "household:pickup:read"
    HOUSEHOLD_PICKUP_CANCEL = "household:pickup:cancel"
    HOUSEHOLD_PICKUP_DECIDE = "household:pickup:decide"
    COLLECTOR_PICKUP_READ = "collector:pickup:read"
    COLLECTOR_PICKUP_COLLECT = "collector:pickup:collect"
    COLLECTOR_OFFER_RESPOND = "collector:offer:respond"
    STATION_UNIT_RECEIVE = "station:unit:receive"
    STATION_LOT_CREATE = "station:lot:create"
    STATION_LOT_READ = "station:lot:read"
    STATION_LOT_SHIP = "station:lot:ship"
    PLANT_LOT_READ = "plant:lot:read"
    PLANT_LOT_BUY = "plant:lot:buy"
    PLANT_LOT_RECEIVE = "plant:lot:receive"
    PLANT_UNIT_DISMANTLE = "plant:unit:dismantle"
    PARTY_UNIT_TRACE = "party:unit:trace"
    PARTY_ACCOUNT_READ = "party:account:read"
    STAFF_PICKUP_READ = "staff:pickup:read"
    STAFF_PICKUP_ASSIGN = "staff:pickup:assign"
    STAFF_PICKUP_CANCEL = "staff:pickup:cancel"
    STAFF_LOT_READ = "staff:lot:read"
    STAFF_PLANT_LICENCE_WRITE = "staff:licence:write"
    """Record plant licences and conformity assessments, and review assessments."""
    STAFF_LEDGER_READ = "staff:ledger:read"
    STAFF_LEDGER_DEPOSIT = "staff:ledger:deposit"
    STAFF_PRICE_WRITE = "staff:price:write"
    STAFF_ORGANISATION_READ = "staff:organisation:read"
    STAFF_REPORT_ADJUSTMENTS = "staff:report:adjustments"
    AUDIT_UNIT_TRACE = "audit:unit:trace"
    AUDIT_REPORT_READ = "audit:report:read"

    @property
    def is_staff_wide(self) -> bool:
        """True for permissions that reach every organisation's objects, not only the actor's."""
        return self.value.startswith(("staff:", "audit:"))


_EVERY_PARTY: Final = frozenset({Permission.PARTY_UNIT_TRACE, Permission.PARTY_ACCOUNT_READ})

ROLE_PERMISSIONS: Final[Mapping[Role, frozenset[Permission]]] = {
    Role.HOUSEHOLD: _EVERY_PARTY
    | {
        Permission.HOUSEHOLD_QUOTE_CREATE,
        Permission.HOUSEHOLD_QUOTE_READ,
        Permission.HOUSEHOLD_PICKUP_CREATE,
        Permission.HOUSEHOLD_PICKUP_READ,
        Permission.HOUSEHOLD_PICKUP_CANCEL,
        Permission.HOUSEHOLD_PICKUP_DECIDE,
    },
    Role.COLLECTOR: _EVERY_PARTY
    | {
        Permission.COLLECTOR_PICKUP_READ,
        Permission.COLLECTOR_PICKUP_COLLECT,
        Permission.COLLECTOR_OFFER_RESPOND,
    },
    Role.STATION: _EVERY_PARTY
    | {
        Permission.STATION_UNIT_RECEIVE,
        Permission.STATION_LOT_CREATE,
        Permission.STATION_LOT_READ,
        Permission.STATION_LOT_SHIP,
    },
    Role.PLANT: _EVERY_PARTY
    | {
        Permission.PLANT_LOT_READ,
        Permission.PLANT_LOT_BUY,
        Permission.PLANT_LOT_RECEIVE,
        Permission.PLANT_UNIT_DISMANTLE,
    },
    Role.PRODUCER: _EVERY_PARTY,
    Role.OPERATOR: frozenset(
        {
            Permission.PARTY_ACCOUNT_READ,
            Permission.STAFF_PICKUP_READ,
            Permission.STAFF_PICKUP_ASSIGN,
            Permission.STAFF_PICKUP_CANCEL,
            Permission.STAFF_LOT_READ,
            Permission.STAFF_PLANT_LICENCE_WRITE,
            Permission.STAFF_LEDGER_READ,
            Permission.STAFF_LEDGER_DEPOSIT,
            Permission.STAFF_PRICE_WRITE,
            Permission.STAFF_ORGANISATION_READ,
            Permission.STAFF_REPORT_ADJUSTMENTS,
            Permission.AUDIT_UNIT_TRACE,
            Permission.AUDIT_REPORT_READ,
        }
    ),
    Role.REGULATOR: frozenset(
        {Permission.AUDIT_UNIT_TRACE, Permission.AUDIT_REPORT_READ, Permission.STAFF_LOT_READ}
    ),
}
