"""Exchange use cases (foundation): station intake, lots, fixed-price sale, shipping, reception."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import catalog, custody, identity, ledger, settlement
from ewaste.exchange import rules
from ewaste.exchange.access import access_lot, access_lot_for_reading
from ewaste.exchange.auctions import open_auction
from ewaste.exchange.contracts import award, transition_lot
from ewaste.exchange.models import Lot, LotPhoto, LotStatusChange, LotUnit, StationReceipt
from ewaste.exchange.queries import LotView, lot_view, units_in_any_lot
from ewaste.exchange.reception_repository import ReceptionRepository
from ewaste.exchange.repository import ExchangeRepository
from ewaste.exchange.rules import (
    InvalidClosingTime,
    LotEvent,
    LotStatus,
    MixedLot,
    NotACollector,
    NotAnAuction,
    SaleMethod,
    UnitAlreadyInLot,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money

DEFAULT_TRANSPORT_FEN_PER_KM = 800
"""¥8 a kilometre for a lot's truck, station to plant, when the edge sets no rate."""


@dataclass(frozen=True, slots=True)
class ReceiptView:
    """A station's intake of a collector's delivery."""

    id: int
    station_id: int
    collector_id: int
    unit_count: int
    grams: int
    paid: Money
    received_at: datetime


def receive_at_station(
    session: Session,
    *,
    actor: Actor,
    collector_id: int,
    unit_codes: Sequence[str],
    now: datetime,
) -> ReceiptView:
    """Scan a collector's units into the actor's station and pay the collector for them.

    The collector is paid each category's station price, by its settlement tier: at once,
    or into its pending account for the holding period when new or low (docs/adr/0020).
    Raises MissingPermission, NotACollector, EmptySelection, InvalidUnitCode, UnitNotFound,
    WrongHolder, IllegalHandover, InsufficientFunds; the edge rolls back what was written.
    """
    actor.require(Permission.STATION_UNIT_RECEIVE)
    codes = [custody.parse_unit_code(c) for c in unit_codes]
    rules.check_selection(codes)
    collector = identity.organisation_row(session, collector_id)
    if collector is None or collector.role != identity.Role.COLLECTOR.value:
        raise NotACollector(collector_id=collector_id)
    station = identity.organisation_row(session, actor.organisation_id)
    units = custody.hand_over(
        session,
        actor=actor,
        unit_codes=codes,
        handover=custody.Handover(
            kind=custody.HandoverKind.DELIVER,
            from_id=collector_id,
            to_id=actor.organisation_id,
            at=now,
            place=station.location if station else None,
            ref="station-receipt",
        ),
    )
    paid = Money.zero()
    for unit in units:
        paid = paid + catalog.category(session, unit.category_code).station_price
    receipt = StationReceipt(
        station_id=actor.organisation_id,
        collector_id=collector_id,
        received_at=now,
        unit_count=len(units),
        grams=sum(u.door_grams for u in units),
        paid_fen=paid.minor,
    )
    ExchangeRepository(session).add(receipt)
    if paid.is_positive():
        # The collector is paid by its settlement tier: at once, or held in its pending
        # account for the holding period when new or low (docs/adr/0020).
        settlement.settle_at_reception(
            session,
            source=f"station-receipt:{receipt.id}",
            seller_id=collector_id,
            payer_id=actor.organisation_id,
            price=paid,
            share=paid,
            lines=[ledger.debit(ledger.Accounts.party(actor.organisation_id), paid)],
            idempotency_key=f"station-receipt:{receipt.id}:collector-paid",
            description="Station pays collector for units delivered",
            now=now,
        )
    return ReceiptView(
        receipt.id, receipt.station_id, collector_id, receipt.unit_count, receipt.grams, paid, now
    )


def create_lot(
    session: Session,
    *,
    actor: Actor,
    unit_codes: Sequence[str],
    price: Money,
    now: datetime,
    sale: SaleMethod = SaleMethod.FIXED_PRICE,
    closes_at: datetime | None = None,
    photos: Sequence[str] = (),
) -> LotView:
    """List units of one category held at the actor's station as a lot, sold by `sale`,
    with its photo references (evidence ids) in the order given:

    - fixed price: the first eligible plant to buy at `price` wins;
    - auction: sealed bids at or above the reserve `price` until `closes_at`;
    - standing bid: queued for the worker's matching job (`match_waiting_lots`), which
      awards it to the best standing bid net of transport; unmatched, it stays listed at
      `price` as a fixed-price offer.

    Hazardous and non-hazardous units never mix because a lot holds one category.
    Raises EmptySelection, InvalidPrice, InvalidUnitCode, InvalidEvidence, MixedLot,
    UnitAlreadyInLot, InvalidClosingTime.
    """
    actor.require(Permission.STATION_LOT_CREATE)
    codes = sorted({custody.parse_unit_code(c) for c in unit_codes})
    rules.check_selection(codes)
    rules.check_price(price)
    refs = rules.check_references(photos)
    if sale is SaleMethod.AUCTION and closes_at is None:
        raise InvalidClosingTime
    units = custody.units_by_codes(session, codes)
    found = {u.code for u in units}
    for code in codes:
        if code not in found:
            raise custody.UnitNotFound(unit_code=code)
    for unit in units:
        # Another station's unit is "not found": a station must not learn which codes exist.
        if unit.holder_id != actor.organisation_id:
            raise custody.UnitNotFound(unit_code=unit.code)
    category = units[0].category_code
    for unit in units:
        if unit.category_code != category or unit.status != custody.UnitStatus.AT_STATION.value:
            raise MixedLot(unit_code=unit.code, category=category)
    taken = units_in_any_lot(session, [u.id for u in units])
    repo = ExchangeRepository(session)
    if taken:
        unit_id = min(taken)
        code = next(u.code for u in units if u.id == unit_id)
        raise UnitAlreadyInLot(unit_code=code, lot_id=repo.lots_of_units([unit_id])[unit_id])
    facts = catalog.category(session, category)
    lot = Lot(
        station_id=actor.organisation_id,
        category_code=category,
        hazardous=facts.hazardous,
        status=LotStatus.LISTED.value,
        unit_count=len(units),
        grams=sum(u.door_grams for u in units),
        price_fen=price.minor,
        sale_method=sale.value,
        created_at=now,
    )
    repo.add(lot)
    repo.add_lot_units([LotUnit(lot_id=lot.id, unit_id=u.id, unit_code=u.code) for u in units])
    repo.add_change(
        LotStatusChange(
            lot_id=lot.id,
            from_status="",
            to_status=lot.status,
            event="list",
            actor_id=actor.user_id,
            at=now,
        )
    )
    ReceptionRepository(session).stage(
        [LotPhoto(lot_id=lot.id, ref=r, position=i, added_at=now) for i, r in enumerate(refs)]
    )
    if sale is SaleMethod.AUCTION:
        assert closes_at is not None  # checked above, before anything was written
        open_auction(session, lot, closes_at=closes_at, now=now)
    session.flush()
    return lot_view(session, lot)


def get_lot(session: Session, *, actor: Actor, lot_id: int) -> LotView:
    """One lot the actor may see; LotNotFound otherwise."""
    return lot_view(session, access_lot_for_reading(session, actor=actor, lot_id=lot_id))


def buy_lot(session: Session, *, actor: Actor, lot_id: int, now: datetime) -> LotView:
    """Buy a listed fixed-price lot at its price: a contract, and the plant's payment into
    escrow.

    Raises LotNotFound, NotAnAuction (the lot is auctioned), IllegalLotTransition (already
    sold), the NotEligible reasons (licence, category, capacity, assessment),
    InsufficientFunds. Plants racing for the same lot: the row lock (PostgreSQL) or the
    single writer (SQLite), the version column and the contract's unique lot id let
    exactly one win.
    """
    lot = access_lot(
        session, actor=actor, lot_id=lot_id, permission=Permission.PLANT_LOT_BUY, for_update=True
    )
    if lot.sale_method != SaleMethod.FIXED_PRICE.value and lot.status == LotStatus.LISTED.value:
        raise NotAnAuction(lot_id=lot.id, method=lot.sale_method, wanted="fixed_price")
    award(
        session,
        lot,
        plant_id=actor.organisation_id,
        price=Money(lot.price_fen),
        method=SaleMethod.FIXED_PRICE,
        user_id=actor.user_id,
        now=now,
    )
    session.flush()
    return lot_view(session, lot)


def ship_lot(session: Session, *, actor: Actor, lot_id: int, now: datetime) -> LotView:
    """Hand a sold lot's units to transport bound for the buying plant.

    Raises LotNotFound, IllegalLotTransition, WrongHolder, IllegalHandover.
    """
    lot = access_lot(
        session,
        actor=actor,
        lot_id=lot_id,
        permission=Permission.STATION_LOT_SHIP,
        for_update=True,
    )
    _transition(session, lot, LotEvent.SHIP, actor=actor, now=now)
    assert lot.plant_id is not None  # a sold lot has a buyer
    station = identity.organisation_row(session, lot.station_id)
    codes = [m.unit_code for m in ExchangeRepository(session).lot_units(lot.id)]
    custody.hand_over(
        session,
        actor=actor,
        unit_codes=codes,
        handover=custody.Handover(
            kind=custody.HandoverKind.SHIP,
            from_id=lot.station_id,
            to_id=lot.plant_id,
            at=now,
            place=station.location if station else None,
            ref=f"lot:{lot.id}",
        ),
    )
    return lot_view(session, lot)


def _transition(
    session: Session, lot: Lot, event: LotEvent, *, actor: Actor, now: datetime, note: str = ""
) -> None:
    transition_lot(session, lot, event, user_id=actor.user_id, now=now, note=note)
