"""Exchange (foundation): station intake, lots, fixed-price sale, shipment and reception."""

from ewaste.exchange.queries import LotView, lot_counts_by_status, lots_for
from ewaste.exchange.rules import (
    EmptySelection,
    IllegalLotTransition,
    InvalidPrice,
    LotNotFound,
    LotStatus,
    MixedLot,
    NotACollector,
    UnitAlreadyInLot,
    UnitsNotInLot,
)
from ewaste.exchange.services import (
    ReceiptView,
    buy_lot,
    create_lot,
    get_lot,
    receive_at_station,
    receive_lot,
    ship_lot,
)

__all__ = [
    "EmptySelection",
    "IllegalLotTransition",
    "InvalidPrice",
    "LotNotFound",
    "LotStatus",
    "LotView",
    "MixedLot",
    "NotACollector",
    "ReceiptView",
    "UnitAlreadyInLot",
    "UnitsNotInLot",
    "buy_lot",
    "create_lot",
    "get_lot",
    "lot_counts_by_status",
    "lots_for",
    "receive_at_station",
    "receive_lot",
    "ship_lot",
]
