"""Sealed-bid auctions: plants bid once, unseen by others; the worker closes each once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import ledger, settlement
from ewaste.exchange import rules
from ewaste.exchange.access import access_lot
from ewaste.exchange.contracts import escrow_entry, lock_award_books, record_award, sale_of
from ewaste.exchange.licences import check_plant_eligible, local_date, year_bounds
from ewaste.exchange.models import Auction, AuctionBid, Contract, Lot
from ewaste.exchange.repository import ExchangeRepository, MarketRepository
from ewaste.exchange.rules import (
    AlreadyBid,
    AuctionClosed,
    AuctionEvent,
    AuctionStatus,
    BidBelowReserve,
    LotNotFound,
    LotStatus,
    NotAnAuction,
    NotEligible,
    SaleMethod,
    SealedBid,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money

MAX_AUCTION = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class BidView:
    """A sealed bid, shown to its own plant (and, after close, to the seller and staff)."""

    id: int
    lot_id: int
    plant_id: int
    price: Money
    placed_at: datetime


@dataclass(frozen=True, slots=True)
class AuctionView:
    """An auction and the bids the viewer may see."""

    lot_id: int
    reserve: Money
    closes_at: datetime
    status: str
    closed_at: datetime | None
    winning_bid_id: int | None
    bids: tuple[BidView, ...]


def open_auction(session: Session, lot: Lot, *, closes_at: datetime, now: datetime) -> Auction:
    """Open the sealed-bid auction of a freshly listed lot; its price is the reserve."""
    if not now < closes_at <= now + MAX_AUCTION:
        raise rules.InvalidClosingTime
    lot.sale_method = SaleMethod.AUCTION.value
    auction = Auction(
        lot_id=lot.id,
        reserve_fen=lot.price_fen,
        opened_at=now,
        closes_at=closes_at,
        status=AuctionStatus.OPEN.value,
    )
    ExchangeRepository(session).add(auction)
    return auction


def _auction_of(session: Session, lot: Lot) -> Auction:
    auction = MarketRepository(session).auction_of_lot(lot.id)
    if auction is None:
        raise NotAnAuction(lot_id=lot.id, method=lot.sale_method, wanted="auction")
    return auction


def place_bid(
    session: Session, *, actor: Actor, lot_id: int, price: Money, now: datetime
) -> BidView:
    """Place the plant's one sealed bid on an auctioned lot.

    Raises LotNotFound, NotAnAuction, AuctionClosed, BidBelowReserve, AlreadyBid, the
    NotEligible reasons, and InvalidPrice.
    """
    lot = access_lot(session, actor=actor, lot_id=lot_id, permission=Permission.PLANT_LOT_BUY)
    rules.check_price(price)
    auction = _auction_of(session, lot)
    if auction.status != AuctionStatus.OPEN.value or now >= auction.closes_at:
        raise AuctionClosed(lot_id=lot.id)
    if price.minor < auction.reserve_fen:
        raise BidBelowReserve
    check_plant_eligible(
        session,
        plant_id=actor.organisation_id,
        category=lot.category_code,
        units=lot.unit_count,
        now=now,
    )
    market = MarketRepository(session)
    if market.bid_of(auction.id, actor.organisation_id) is not None:
        raise AlreadyBid(lot_id=lot.id)
    bid = AuctionBid(
        auction_id=auction.id,
        plant_id=actor.organisation_id,
        price_fen=price.minor,
        placed_at=now,
        placed_by=actor.user_id,
    )
    ExchangeRepository(session).add(bid)
    return BidView(bid.id, lot.id, bid.plant_id, price, now)


def auction_of_lot(session: Session, *, actor: Actor, lot_id: int) -> AuctionView:
    """The auction of a lot with the bids the actor may see: a plant its own bid; after the
    close, the seller and staff every bid."""
    lot = _readable_lot(session, actor, lot_id)
    auction = _auction_of(session, lot)
    closed = auction.status != AuctionStatus.OPEN.value
    seller_or_staff = actor.can(Permission.STAFF_LOT_READ) or (
        actor.can(Permission.STATION_LOT_READ) and lot.station_id == actor.organisation_id
    )
    visible = [
        BidView(b.id, lot.id, b.plant_id, Money(b.price_fen), b.placed_at)
        for b in MarketRepository(session).bids(auction.id)
        if (b.plant_id == actor.organisation_id and actor.can(Permission.PLANT_LOT_READ))
        or (closed and seller_or_staff)
    ]
    return AuctionView(
        lot.id,
        Money(auction.reserve_fen),
        auction.closes_at,
        auction.status,
        auction.closed_at,
        auction.winning_bid_id if closed else None,
        tuple(visible),
    )


def _readable_lot(session: Session, actor: Actor, lot_id: int) -> Lot:
    for permission in (
        Permission.STAFF_LOT_READ,
        Permission.STATION_LOT_READ,
        Permission.PLANT_LOT_READ,
    ):
        if actor.can(permission):
            return access_lot(session, actor=actor, lot_id=lot_id, permission=permission)
    raise LotNotFound(lot_id=lot_id)


def close_due_auctions(session: Session, *, now: datetime, limit: int) -> int:
    """Close up to `limit` auctions whose time has come; return how many were closed.

    Each auction is claimed with SKIP LOCKED (PostgreSQL) and moves open → awarded or
    open → unsold, so a second worker never sees it again. The highest bid at or above
    the reserve wins, ties to the earliest; a bidder no longer eligible or unable to pay
    is passed over for the next. An auction without a winner leaves its lot listed at
    the reserve as a fixed-price offer.

    Set-based, like `matching.match_lots`: the lots are locked in id order, the bids,
    every bidder's eligibility facts and balance rows (`ledger.PostingBatch`) read once,
    each auction decided in memory (capacity and balances include the awards before it),
    and the awards written one statement per table.
    """
    market = MarketRepository(session)
    auctions = market.due_auctions(now, limit=limit)
    if not auctions:
        return 0
    repo = ExchangeRepository(session)
    lots = {lot.id: lot for lot in repo.lots_for_update([a.lot_id for a in auctions])}
    bids = market.bids_of_auctions([a.id for a in auctions])
    bidders = sorted({b.plant_id for placed in bids.values() for b in placed})
    on = local_date(now)
    start, end = year_bounds(on)
    market.lock_capacity(bidders)  # awards to a plant queue: capacity is spent once
    stations = [lot.station_id for lot in lots.values()]
    lock_award_books(session, plant_ids=bidders, station_ids=stations, now=now)
    facts = market.eligibility_of_plants(bidders, start=start, end=end)
    money = ledger.PostingBatch(
        session,
        accounts=[ledger.Accounts.ESCROW, *(ledger.Accounts.party(p) for p in bidders)],
        now=now,
    )
    changed: list[Lot] = []
    sales: list[settlement.Sale] = []
    for auction in auctions:
        lot = lots[auction.lot_id]
        auction.closed_at = now
        if lot.status != LotStatus.LISTED.value:
            auction.apply(AuctionEvent.CLOSE_UNSOLD)
            continue
        winner = _winner(session, auction, lot, bids[auction.id], facts, money, on=on, now=now)
        if winner is None:
            auction.apply(AuctionEvent.CLOSE_UNSOLD)
            lot.sale_method = SaleMethod.FIXED_PRICE.value
        else:
            auction.apply(AuctionEvent.AWARD)
            auction.winning_bid_id = winner.auction_bid_id
            sales.append(sale_of(winner))
        changed.append(lot)
    settlement.record_sales(session, sales, now=now)
    repo.store_lots(changed)
    money.flush()
    session.flush()
    return len(auctions)


def _winner(
    session: Session,
    auction: Auction,
    lot: Lot,
    placed: Sequence[AuctionBid],
    facts: dict[int, tuple[tuple[rules.LicenceTerm, ...], bool, dict[str, int]]],
    money: ledger.PostingBatch,
    *,
    on: date,
    now: datetime,
) -> Contract | None:
    """Award the lot to the best bid whose plant is eligible and can pay; its contract."""
    sealed = [SealedBid(b.id, b.plant_id, b.price_fen, b.placed_at) for b in placed]
    category, units = lot.category_code, lot.unit_count
    for bid in rules.ranked_bids(sealed, reserve_fen=auction.reserve_fen):
        licences, passed, contracted = facts[bid.plant_id]
        eligibility = rules.EligibilityFacts(
            bid.plant_id, licences, passed, contracted.get(category, 0)
        )
        price = Money(bid.price_fen)
        try:
            rules.check_eligible(eligibility, category=category, units=units, on=on)
            money.post(escrow_entry(lot, plant_id=bid.plant_id, price=price, now=now))
        except (NotEligible, ledger.InsufficientFunds):
            continue
        contracted[category] = contracted.get(category, 0) + units
        return record_award(
            session,
            lot,
            plant_id=bid.plant_id,
            price=price,
            method=SaleMethod.AUCTION,
            user_id=None,
            now=now,
            auction_bid_id=bid.id,
        )
    return None
