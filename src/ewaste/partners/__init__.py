"""Partners: collectors and stations whose volume stays stable receive options from a
pool that never exceeds 20 % of the platform's equity, vesting monthly, forfeited by
rule; the cap table."""

from ewaste.partners.monthly import close_partner_month
from ewaste.partners.queries import (
    CapTable,
    CapTableLine,
    GrantView,
    PartnerHolding,
    PoolView,
    cap_table_csv,
)
from ewaste.partners.rules import (
    MAX_POOL_BASIS_POINTS,
    IllegalPartnerTransition,
    InvalidPoolTerms,
    InvalidShares,
    PartnerNotActive,
    PartnerNotFound,
    PartnerStatus,
    PoolBelowOutstanding,
    PoolExhausted,
    PoolNotConfigured,
    PoolOverCap,
    PoolState,
    PoolTerms,
)
from ewaste.partners.services import (
    cap_table,
    configure_pool,
    grant_options,
    partner_holding,
    record_departure,
)

__all__ = [
    "MAX_POOL_BASIS_POINTS",
    "CapTable",
    "CapTableLine",
    "GrantView",
    "IllegalPartnerTransition",
    "InvalidPoolTerms",
    "InvalidShares",
    "PartnerHolding",
    "PartnerNotActive",
    "PartnerNotFound",
    "PartnerStatus",
    "PoolBelowOutstanding",
    "PoolExhausted",
    "PoolNotConfigured",
    "PoolOverCap",
    "PoolState",
    "PoolTerms",
    "PoolView",
    "cap_table",
    "cap_table_csv",
    "close_partner_month",
    "configure_pool",
    "grant_options",
    "partner_holding",
    "record_departure",
]
