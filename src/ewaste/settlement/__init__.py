"""Settlement by credit tier: advances at award guaranteed by the fund, payment at reception,
releases after a holding period, recovery of bad advances from later earnings (ADR 0020)."""

from ewaste.settlement.rules import (
    ADVANCE_FEE_BASIS_POINTS,
    IllegalSettlementTransition,
    Payment,
    SellerNotFound,
    SettlementEvent,
    SettlementStatus,
    advance_for,
    payment,
)
from ewaste.settlement.services import (
    Sale,
    lock_for_sales,
    record_sales,
    release_due,
    settle_at_reception,
    settlement_for,
    settlement_of_seller,
)
from ewaste.settlement.views import SellerSettlement, SettlementView

__all__ = [
    "ADVANCE_FEE_BASIS_POINTS",
    "IllegalSettlementTransition",
    "Payment",
    "Sale",
    "SellerNotFound",
    "SellerSettlement",
    "SettlementEvent",
    "SettlementStatus",
    "SettlementView",
    "advance_for",
    "lock_for_sales",
    "payment",
    "record_sales",
    "release_due",
    "settle_at_reception",
    "settlement_for",
    "settlement_of_seller",
]
