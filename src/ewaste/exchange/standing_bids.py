"""Standing bids: plants post what they buy each month; new lots are matched to them at once,
at the best price net of transport for the seller, then the earliest bid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import catalog, identity, ledger
from ewaste.exchange import rules
from ewaste.exchange.contracts import award
from ewaste.exchange.licences import check_plant_eligible, local_date
from ewaste.exchange.matching import plant_locations
from ewaste.exchange.models import Contract, Lot, StandingBid
from ewaste.exchange.repository import ExchangeRepository, MarketRepository
from ewaste.exchange.rules import (
    BidOffer,
    NotEligible,
    PriceBasis,
    SaleMethod,
    StandingBidEvent,
    StandingBidNotFound,
    StandingBidStatus,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.geo import GeoPoint, haversine_m
from ewaste.kernel.money import Money


@dataclass(frozen=True, slots=True)
class StandingBidView:
    """A standing bid as its plant and staff see it."""

    id: int
    plant_id: int
    category_code: str
    basis: str
    price: Money
    radius_km: int
    units_per_month: int
    units_left_this_month: int
    status: str
    posted_at: datetime


def _view(bid: StandingBid, now: datetime) -> StandingBidView:
    left = rules.units_left_this_month(
        per_month=bid.units_per_month,
        used=bid.used_units,
        used_month=bid.used_month,
        month=rules.month_key(local_date(now)),
    )
    return StandingBidView(
        bid.id,
        bid.plant_id,
        bid.category_code,
        bid.basis,
        Money(bid.price_fen),
        bid.radius_km,
        bid.units_per_month,
        left,
        bid.status,
        bid.posted_at,
    )


def post_standing_bid(
    session: Session,
    *,
    actor: Actor,
    category: str,
    basis: PriceBasis,
    price: Money,
    radius_km: int,
    units_per_month: int,
    now: datetime,
) -> StandingBidView:
    """Post a plant's standing bid. The plant must be eligible for at least one unit of the
    category now. Raises MissingPermission, CategoryNotFound, InvalidStandingBid and the
    NotEligible reasons."""
    actor.require(Permission.PLANT_LOT_BUY)
    catalog.category(session, category)
    rules.check_standing_bid(price.minor, units_per_month, radius_km)
    check_plant_eligible(
        session, plant_id=actor.organisation_id, category=category, units=1, now=now
    )
    bid = StandingBid(
        plant_id=actor.organisation_id,
        category_code=category,
        basis=basis.value,
        price_fen=price.minor,
        radius_km=radius_km,
        units_per_month=units_per_month,
        used_month="",
        used_units=0,
        status=StandingBidStatus.OPEN.value,
        posted_at=now,
        posted_by=actor.user_id,
    )
    ExchangeRepository(session).add(bid)
    return _view(bid, now)


def _own_bid(session: Session, actor: Actor, bid_id: int, *, for_update: bool) -> StandingBid:
    bid = MarketRepository(session).standing_bid(bid_id, for_update=for_update)
    if bid is None:
        raise StandingBidNotFound(bid_id=bid_id)
    if actor.can(Permission.STAFF_LOT_READ) and not for_update:
        return bid
    if actor.can(Permission.PLANT_LOT_BUY) and bid.plant_id == actor.organisation_id:
        return bid
    raise StandingBidNotFound(bid_id=bid_id)


def withdraw_standing_bid(
    session: Session, *, actor: Actor, bid_id: int, now: datetime
) -> StandingBidView:
    """The plant withdraws its standing bid (idempotent). StandingBidNotFound otherwise."""
    bid = _own_bid(session, actor, bid_id, for_update=True)
    if bid.status != StandingBidStatus.WITHDRAWN.value:
        bid.apply(StandingBidEvent.WITHDRAW)
        session.flush()
    return _view(bid, now)


def standing_bids_for(
    session: Session, *, actor: Actor, now: datetime, limit: int = 200
) -> Sequence[StandingBidView]:
    """Standing bids the actor may see: a plant its own, staff all, others none."""
    if actor.can(Permission.STAFF_LOT_READ):
        plant: int | None = None
    elif actor.can(Permission.PLANT_LOT_BUY):
        plant = actor.organisation_id
    else:
        return []
    return [_view(b, now) for b in MarketRepository(session).standing_bids_of(plant, limit=limit)]


def offers_for_lot(
    session: Session,
    lot: Lot,
    *,
    station: GeoPoint,
    plants: dict[int, GeoPoint],
    transport_fen_per_km: int,
    now: datetime,
) -> list[BidOffer]:
    """Every plant's best open bid for the lot, net of transport, best for the seller first.

    One statement returns at most one bid per plant and radius; distance and the region
    check are computed per plant, not per bid.
    """
    rows = MarketRepository(session).best_standing_bids(
        category=lot.category_code,
        units=lot.unit_count,
        grams=lot.grams,
        month=rules.month_key(local_date(now)),
    )
    offers: list[BidOffer] = []
    for bid_id, plant_id, radius_km, gross, posted_at in rows:
        where = plants.get(int(plant_id))
        if where is None:
            continue
        metres = haversine_m(station, where)
        if metres > radius_km * 1000:
            continue
        cost = rules.transport_fen(metres, fen_per_km=transport_fen_per_km)
        offers.append(BidOffer(int(bid_id), int(plant_id), int(gross), cost, posted_at))
    return rules.best_offers(offers)


def match_lot(
    session: Session, lot: Lot, *, transport_fen_per_km: int, now: datetime
) -> Contract | None:
    """Award a row-locked listed lot to the standing bid that leaves the seller the most after
    transport (then the earliest bid). A bidder no longer eligible, out of this month's
    quantity or unable to pay is passed over. None when no bid takes it: the lot stays
    listed as a fixed-price offer.

    The path of a lot a station lists: one candidate statement, then only the chosen bid and
    its plant's account are locked. The chosen bid is re-read under its lock; the award
    refuses before it writes (see contracts.award), so passing over needs no savepoint.
    Many lots at once go through `matching.match_lots` instead (same rules, set-based).
    """
    station = identity.organisation_location(session, lot.station_id)
    if station is None:
        return None
    market = MarketRepository(session)
    month = rules.month_key(local_date(now))
    for offer in offers_for_lot(
        session,
        lot,
        station=station,
        plants=plant_locations(session),
        transport_fen_per_km=transport_fen_per_km,
        now=now,
    ):
        bid = market.standing_bid(offer.bid_id, for_update=True)
        assert bid is not None  # standing bids are never deleted
        left = rules.units_left_this_month(
            per_month=bid.units_per_month,
            used=bid.used_units,
            used_month=bid.used_month,
            month=month,
        )
        if bid.status != StandingBidStatus.OPEN.value or left < lot.unit_count:
            continue
        try:
            contract = award(
                session,
                lot,
                plant_id=offer.plant_id,
                price=Money(offer.gross_fen),
                method=SaleMethod.STANDING_BID,
                user_id=None,
                now=now,
                standing_bid_id=bid.id,
                transport=Money(offer.transport_fen),
            )
        except (NotEligible, ledger.InsufficientFunds):
            continue
        bid.used_units = (bid.used_units if bid.used_month == month else 0) + lot.unit_count
        bid.used_month = month
        lot.sale_method = SaleMethod.STANDING_BID.value
        session.flush()
        return contract
    lot.sale_method = SaleMethod.FIXED_PRICE.value
    return None
