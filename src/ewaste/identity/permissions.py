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
    PARTY_CUSTODY_CORRECT = "party:custody:correct"
    """Correct a custody event the organisation gave or received (a new event, ADR 0013)."""
    PARTY_ACCOUNT_READ = "party:account:read"
    PARTY_CREDIT_READ = "party:credit:read"
    """Read the organisation's own credit score, its factors and its history."""
    PARTY_OPTION_READ = "party:option:read"
    """Read the organisation's own partner standing and option grants."""
    PARTY_PAYOUT_REQUEST = "party:payout:request"
    """Give the organisation's bank account and withdraw its available balance to it."""
    STAFF_PICKUP_READ = "staff:pickup:read"
    STAFF_PICKUP_ASSIGN = "staff:pickup:assign"
    STAFF_PICKUP_CANCEL = "staff:pickup:cancel"
    STAFF_LOT_READ = "staff:lot:read"
    STAFF_PLANT_LICENCE_WRITE = "staff:licence:write"
    """Record plant licences and conformity assessments, and review assessments."""
    STAFF_DISCREPANCY_DECIDE = "staff:discrepancy:decide"
    """Decide a reception discrepancy: the lot's adjusted price and the reason."""
    STAFF_LEDGER_READ = "staff:ledger:read"
    STAFF_LEDGER_DEPOSIT = "staff:ledger:deposit"
    STAFF_PAYOUT_MANAGE = "staff:payout:manage"
    """Build bank batches of payouts, download them and import the bank's result files."""
    STAFF_PRICE_WRITE = "staff:price:write"
    STAFF_CREDIT_READ = "staff:credit:read"
    """Read every collector's and station's credit score."""
    STAFF_OPTION_READ = "staff:option:read"
    """Read the partner option pool's cap table and every partner's grants."""
    STAFF_OPTION_WRITE = "staff:option:write"
    """Set up the option pool, grant options by hand and record a partner's departure."""
    STAFF_ORGANISATION_READ = "staff:organisation:read"
    STAFF_REPORT_ADJUSTMENTS = "staff:report:adjustments"
    AUDIT_UNIT_TRACE = "audit:unit:trace"
    AUDIT_REPORT_READ = "audit:report:read"
    AUDIT_CLAIM_DECIDE = "audit:claim:decide"
    """Approve or reject subsidy claims and review flagged dismantling records (ADR 0019)."""
    PRODUCER_REPORT_READ = "producer:report:read"
    """Read the take-back report of the producer's own brands."""
    STAFF_BRAND_WRITE = "staff:brand:write"
    """Map brands to producer organisations."""
    STAFF_CUSTODY_CORRECT = "staff:custody:correct"
    """Correct any custody event (operators; a new event that points at the original)."""

    @property
    def is_staff_wide(self) -> bool:
        """True for permissions that reach every organisation's objects, not only the actor's."""
        return self.value.startswith(("staff:", "audit:"))


_EVERY_PARTY: Final = frozenset(
    {Permission.PARTY_UNIT_TRACE, Permission.PARTY_ACCOUNT_READ, Permission.PARTY_PAYOUT_REQUEST}
)

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
        Permission.PARTY_CREDIT_READ,
        Permission.PARTY_OPTION_READ,
        Permission.COLLECTOR_PICKUP_READ,
        Permission.COLLECTOR_PICKUP_COLLECT,
        Permission.COLLECTOR_OFFER_RESPOND,
        Permission.PARTY_CUSTODY_CORRECT,
    },
    Role.STATION: _EVERY_PARTY
    | {
        Permission.PARTY_CREDIT_READ,
        Permission.PARTY_OPTION_READ,
        Permission.STATION_UNIT_RECEIVE,
        Permission.STATION_LOT_CREATE,
        Permission.STATION_LOT_READ,
        Permission.STATION_LOT_SHIP,
        Permission.PARTY_CUSTODY_CORRECT,
    },
    Role.PLANT: _EVERY_PARTY
    | {
        Permission.PLANT_LOT_READ,
        Permission.PLANT_LOT_BUY,
        Permission.PLANT_LOT_RECEIVE,
        Permission.PLANT_UNIT_DISMANTLE,
        Permission.PARTY_CUSTODY_CORRECT,
    },
    Role.PRODUCER: _EVERY_PARTY | {Permission.PRODUCER_REPORT_READ},
    Role.OPERATOR: frozenset(
        {
            Permission.PARTY_ACCOUNT_READ,
            Permission.STAFF_PICKUP_READ,
            Permission.STAFF_PICKUP_ASSIGN,
            Permission.STAFF_PICKUP_CANCEL,
            Permission.STAFF_LOT_READ,
            Permission.STAFF_PLANT_LICENCE_WRITE,
            Permission.STAFF_DISCREPANCY_DECIDE,
            Permission.STAFF_LEDGER_READ,
            Permission.STAFF_LEDGER_DEPOSIT,
            Permission.STAFF_PAYOUT_MANAGE,
            Permission.STAFF_PRICE_WRITE,
            Permission.STAFF_CREDIT_READ,
            Permission.STAFF_OPTION_READ,
            Permission.STAFF_OPTION_WRITE,
            Permission.STAFF_ORGANISATION_READ,
            Permission.STAFF_REPORT_ADJUSTMENTS,
            Permission.STAFF_BRAND_WRITE,
            Permission.STAFF_CUSTODY_CORRECT,
            Permission.AUDIT_UNIT_TRACE,
            Permission.AUDIT_REPORT_READ,
        }
    ),
    Role.REGULATOR: frozenset(
        {
            Permission.AUDIT_UNIT_TRACE,
            Permission.AUDIT_REPORT_READ,
            Permission.AUDIT_CLAIM_DECIDE,
            Permission.STAFF_LOT_READ,
        }
    ),
}
