"""Awards: every sale, by whatever method, becomes one contract and pays into escrow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import ledger, settlement
from ewaste.exchange.licences import check_plant_eligible
from ewaste.exchange.models import Contract, Lot, LotStatusChange
from ewaste.exchange.repository import ExchangeRepository, MarketRepository
from ewaste.exchange.rules import (
    ContractNotFound,
    ContractStatus,
    LotEvent,
    LotStatus,
    SaleMethod,
    next_lot_status,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money

DELIVERY_DAYS = 7


@dataclass(frozen=True, slots=True)
class ContractView:
    """A contract as its buyer, its seller and staff see it."""

    id: int
    lot_id: int
    plant_id: int
    station_id: int
    category_code: str
    method: str
    price: Money
    unit_count: int
    grams: int
    transport: Money
    delivery_terms: str
    status: str
    awarded_at: datetime
    deliver_by: datetime


def contract_view(contract: Contract) -> ContractView:
    """The read model of one contract."""
    return ContractView(
        contract.id,
        contract.lot_id,
        contract.plant_id,
        contract.station_id,
        contract.category_code,
        contract.method,
        Money(contract.price_fen),
        contract.unit_count,
        contract.grams,
        Money(contract.transport_fen),
        contract.delivery_terms,
        contract.status,
        contract.awarded_at,
        contract.awarded_at + timedelta(days=DELIVERY_DAYS),
    )


def delivery_terms(lot: Lot, plant_id: int) -> str:
    """The standard delivery terms of an award."""
    return (
        f"Station {lot.station_id} ships {lot.unit_count} unit(s), {lot.grams} g, of "
        f"{lot.category_code} to plant {plant_id} within {DELIVERY_DAYS} days of award; "
        "reception by scan of every unit and weighbridge; escrow released at reception, "
        "to the station by its settlement tier at award."
    )


def transition_lot(
    session: Session,
    lot: Lot,
    event: LotEvent,
    *,
    user_id: int | None,
    now: datetime,
    note: str = "",
) -> None:
    """Move the lot (and its contract, once there is one) along their tables; journal it."""
    before, after = lot.apply(event)
    ExchangeRepository(session).add_change(
        LotStatusChange(
            lot_id=lot.id,
            from_status=before,
            to_status=after,
            event=event.value,
            actor_id=user_id,
            at=now,
            note=note[:300],
        )
    )
    if event is not LotEvent.BUY:
        contract = MarketRepository(session).contract_of_lot(lot.id)
        if contract is not None:
            contract.apply(event)


def award(
    session: Session,
    lot: Lot,
    *,
    plant_id: int,
    price: Money,
    method: SaleMethod,
    user_id: int | None,
    now: datetime,
    auction_bid_id: int | None = None,
    standing_bid_id: int | None = None,
    transport: Money | None = None,
) -> Contract:
    """Award a row-locked listed lot to an eligible plant at `price`: the lot is sold, one
    contract records the terms, and the plant's payment moves into escrow.

    Raises the NotEligible reasons, IllegalLotTransition (already sold), InsufficientFunds.
    The refusals come before anything is written (eligibility, then the ledger's funds check
    ahead of its own writes), so a caller may try the next bidder without a savepoint.
    The contract's unique lot id backs the row lock: a lot is awarded once. Awards to one
    plant queue on its licence rows, so its capacity is never spent twice.
    """
    MarketRepository(session).lock_capacity([plant_id])
    check_plant_eligible(
        session, plant_id=plant_id, category=lot.category_code, units=lot.unit_count, now=now
    )
    next_lot_status(LotStatus(lot.status), LotEvent.BUY)  # already sold: refuse before paying
    lock_award_books(session, plant_ids=[plant_id], station_ids=[lot.station_id], now=now)
    ledger.post_entry(session, entry=escrow_entry(lot, plant_id=plant_id, price=price, now=now))
    contract = record_award(
        session,
        lot,
        plant_id=plant_id,
        price=price,
        method=method,
        user_id=user_id,
        now=now,
        auction_bid_id=auction_bid_id,
        standing_bid_id=standing_bid_id,
        transport=transport,
    )
    settlement.record_sales(session, [sale_of(contract)], now=now)
    session.flush()
    return contract


def lock_award_books(
    session: Session, *, plant_ids: Sequence[int], station_ids: Sequence[int], now: datetime
) -> None:
    """Before an award's first entry: the stations' settlement rows, then every balance row
    its entries may touch (escrow, the plants', the guarantee fund, the stations') in one
    statement — the order receptions and releases take them, so none waits on another in a
    cycle (docs/adr/0020). Nothing to lock when no plant can be awarded anything."""
    if not plant_ids:
        return
    advances = settlement.lock_for_sales(session, station_ids, now=now)
    ledger.lock_accounts(
        session,
        accounts=[
            ledger.Accounts.ESCROW,
            *(ledger.Accounts.party(p) for p in plant_ids),
            *advances,
        ],
        now=now,
    )


def escrow_entry(lot: Lot, *, plant_id: int, price: Money, now: datetime) -> ledger.JournalEntry:
    """The plant's payment of a lot's contract price into escrow (one key per lot)."""
    return ledger.JournalEntry(
        idempotency_key=f"lot:{lot.id}:plant-pays-escrow",
        occurred_at=now,
        description="Plant pays the contract price into escrow",
        source=f"lot:{lot.id}",
        lines=ledger.transfer(
            payer=ledger.Accounts.party(plant_id), payee=ledger.Accounts.ESCROW, amount=price
        ),
    )


def record_award(
    session: Session,
    lot: Lot,
    *,
    plant_id: int,
    price: Money,
    method: SaleMethod,
    user_id: int | None,
    now: datetime,
    auction_bid_id: int | None = None,
    standing_bid_id: int | None = None,
    transport: Money | None = None,
) -> Contract:
    """The writes of an award whose checks and payment are done: the lot's `buy` transition
    and its journal row, and the contract, staged for the next flush. The caller then
    records the station's settlement under the tier in force now (`settlement.record_sales`
    of `sale_of(contract)`, once per batch; a top-tier station is advanced its share by the
    guarantee fund, docs/adr/0020)."""
    transition_lot(session, lot, LotEvent.BUY, user_id=user_id, now=now, note=method.value)
    lot.plant_id = plant_id
    contract = Contract(
        lot_id=lot.id,
        plant_id=plant_id,
        station_id=lot.station_id,
        category_code=lot.category_code,
        method=method.value,
        price_fen=price.minor,
        unit_count=lot.unit_count,
        grams=lot.grams,
        transport_fen=(transport or Money.zero()).minor,
        delivery_terms=delivery_terms(lot, plant_id),
        auction_bid_id=auction_bid_id,
        standing_bid_id=standing_bid_id,
        status=ContractStatus.AWARDED.value,
        awarded_at=now,
    )
    MarketRepository(session).stage([contract])
    return contract


def sale_of(contract: Contract) -> settlement.Sale:
    """What settlement needs of an award: the lot's source, the station, the plant, the price."""
    return settlement.Sale(
        f"lot:{contract.lot_id}", contract.station_id, contract.plant_id, Money(contract.price_fen)
    )


def contracts_for(session: Session, *, actor: Actor, limit: int = 200) -> Sequence[ContractView]:
    """Contracts the actor may see, newest first: staff all, a plant its purchases, a station
    its sales, anyone else none."""
    if actor.can(Permission.STAFF_LOT_READ):
        party: int | None = None
    elif actor.can(Permission.PLANT_LOT_READ) or actor.can(Permission.STATION_LOT_READ):
        party = actor.organisation_id
    else:
        return []
    return [
        contract_view(c) for c in MarketRepository(session).contracts_of_party(party, limit=limit)
    ]


def get_contract(session: Session, *, actor: Actor, contract_id: int) -> ContractView:
    """One contract: its buyer, its seller or staff; ContractNotFound for anyone else."""
    contract = MarketRepository(session).contract(contract_id)
    if contract is None:
        raise ContractNotFound(contract_id=contract_id)
    if actor.can(Permission.STAFF_LOT_READ):
        return contract_view(contract)
    if actor.can(Permission.PLANT_LOT_READ) and contract.plant_id == actor.organisation_id:
        return contract_view(contract)
    if actor.can(Permission.STATION_LOT_READ) and contract.station_id == actor.organisation_id:
        return contract_view(contract)
    raise ContractNotFound(contract_id=contract_id)
