"""The market board: what is on sale by which method, auctions closing soonest, and what the
standing bids pay per category (for a station, net of the truck to each bidding plant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.exchange import rules
from ewaste.exchange.matching import plant_locations
from ewaste.exchange.reception_repository import ReceptionRepository
from ewaste.exchange.repository import MarketRepository
from ewaste.exchange.rules import PriceBasis, SaleMethod
from ewaste.identity import Actor, MissingPermission, Permission
from ewaste.kernel.geo import haversine_m
from ewaste.kernel.money import Money


@dataclass(frozen=True, slots=True)
class MethodLine:
    """Listed lots sold by one method."""

    method: str
    lots: int
    units: int


@dataclass(frozen=True, slots=True)
class ClosingAuction:
    """An open auction; its bids stay sealed, only their number shows."""

    lot_id: int
    category_code: str
    unit_count: int
    reserve: Money
    closes_at: datetime
    bids: int


@dataclass(frozen=True, slots=True)
class BidLine:
    """The open standing bids of one category."""

    category_code: str
    bids: int
    best_per_unit: Money | None
    best_per_kg: Money | None
    best_net_per_unit: Money | None
    """For a station: the best per-unit price less the truck from the station to the bidding
    plant (a one-unit lot), among the bids whose region reaches the station."""


@dataclass(frozen=True, slots=True)
class ListedLot:
    """A lot on sale, with its photo references (evidence ids)."""

    lot_id: int
    category_code: str
    unit_count: int
    grams: int
    price: Money
    sale_method: str
    photos: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarketBoard:
    """The board as one viewer sees it."""

    methods: tuple[MethodLine, ...]
    closing: tuple[ClosingAuction, ...]
    bids: tuple[BidLine, ...]
    for_station: bool
    listed: tuple[ListedLot, ...] = ()
    """The newest lots on sale, with their photos."""


_VIEWERS = (Permission.STATION_LOT_READ, Permission.PLANT_LOT_READ, Permission.STAFF_LOT_READ)


def market_board(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    transport_fen_per_km: int,
    closing: int = 10,
    listed: int = 10,
) -> MarketBoard:
    """The market board for a station, a plant or staff; MissingPermission for anyone else.

    Reads only what any plant may see: listed lots, auctions without their bids' prices,
    standing bids without their plants.
    """
    if not any(actor.can(p) for p in _VIEWERS):
        raise MissingPermission(permission=Permission.PLANT_LOT_READ.value)
    market = MarketRepository(session)
    methods = market.listed_by_method()
    station = (
        identity.organisation_location(session, actor.organisation_id)
        if actor.can(Permission.STATION_LOT_READ)
        else None
    )
    plants = plant_locations(session) if station is not None else {}
    lines: dict[str, dict[str, int]] = {}
    for plant_id, category, basis, price, radius_km in market.open_bids_for_board():
        line = lines.setdefault(category, {"bids": 0})
        line["bids"] += 1
        key = "unit" if basis == PriceBasis.UNIT.value else "kg"
        line[key] = max(line.get(key, 0), price)
        where = plants.get(plant_id)
        if station is None or where is None or key != "unit":
            continue
        metres = haversine_m(station, where)
        if metres <= radius_km * 1000:
            net = price - rules.transport_fen(metres, fen_per_km=transport_fen_per_km)
            line["net"] = max(line.get("net", net), net)
    reception = ReceptionRepository(session)
    newest = reception.recent_listed(limit=listed)
    photos = reception.photos([row[0] for row in newest])
    return MarketBoard(
        methods=tuple(MethodLine(m.value, *methods.get(m.value, (0, 0))) for m in SaleMethod),
        closing=tuple(
            ClosingAuction(lot_id, category, units, Money(reserve), closes_at, bids)
            for lot_id, category, units, reserve, closes_at, bids in market.auctions_closing(
                now, limit=closing
            )
        ),
        bids=tuple(
            BidLine(
                category,
                line["bids"],
                Money(line["unit"]) if "unit" in line else None,
                Money(line["kg"]) if "kg" in line else None,
                Money(line["net"]) if "net" in line else None,
            )
            for category, line in sorted(lines.items())
        ),
        for_station=station is not None,
        listed=tuple(
            ListedLot(lot_id, category, units, grams, Money(price), method, photos.get(lot_id, ()))
            for lot_id, category, units, grams, price, method in newest
        ),
    )
