"""Standing-bid matching, set-based: any number of row-locked listed lots against the open
bids of their categories, each lot awarded to the bid that leaves its seller the most after
transport (then the earliest bid).

A batch reads what it needs once and writes once: the bids of the lots' categories under row
locks (id order), every bidding plant's eligibility facts, the bidders' and escrow's ledger
balances under row locks (`ledger.PostingBatch`), and at the end the contracts, lot changes,
escrow entries and bid usage, one statement per table. Between the two, each lot is decided in
memory against state the batch holds locked or has itself changed: a bid's monthly quantity,
a plant's capacity this year and its balance include the lots awarded before it. A lot listed
by a station is a batch of one (`standing_bids.match_lot`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from ewaste import identity, ledger, settlement
from ewaste.exchange import rules
from ewaste.exchange.contracts import escrow_entry, lock_award_books, record_award, sale_of
from ewaste.exchange.licences import local_date, year_bounds
from ewaste.exchange.models import Contract, Lot
from ewaste.exchange.reception_repository import ReceptionRepository
from ewaste.exchange.repository import ExchangeRepository, MarketRepository
from ewaste.exchange.rules import (
    BidOffer,
    EligibilityFacts,
    LicenceTerm,
    NotEligible,
    PriceBasis,
    SaleMethod,
)
from ewaste.kernel.geo import GeoPoint, haversine_m
from ewaste.kernel.money import Money

_PLANTS_KEY = "exchange.plant_locations"


def plant_locations(session: Session) -> dict[int, GeoPoint]:
    """Every plant's location, read once per session (one unit of work at the edge) rather
    than once per lot: plants do not move while a batch of lots is matched."""
    cached: dict[int, GeoPoint] | None = session.info.get(_PLANTS_KEY)
    if cached is None:
        cached = dict(identity.locations_by_role(session, identity.Role.PLANT))
        session.info[_PLANTS_KEY] = cached
    return cached


@dataclass(slots=True)
class _Bid:
    """An open standing bid held locked by the batch; usage changes as lots are awarded."""

    id: int
    plant_id: int
    per_unit: bool
    price_fen: int
    radius_m: int
    units_per_month: int
    used_month: str
    used_units: int
    posted_at: datetime
    touched: bool = False


@dataclass(slots=True)
class _PlantBids:
    """One plant's bids in one category, each basis best price first (then earliest)."""

    per_unit: list[_Bid]
    per_kg: list[_Bid]
    top_unit: int = 0
    """The highest per-unit price, whatever the radius or quantity left (0: none)."""
    top_kg: int = 0
    """The highest per-kg price, likewise."""


def _book(
    rows: Sequence[tuple[int, int, str, str, int, int, int, str, int, datetime]],
) -> dict[str, dict[int, _PlantBids]]:
    book: dict[str, dict[int, _PlantBids]] = {}
    for bid_id, plant, category, basis, price, radius, per_month, month, used, at in rows:
        bid = _Bid(
            bid_id,
            plant,
            basis == PriceBasis.UNIT.value,
            price,
            radius * 1000,
            per_month,
            month,
            used,
            at,
        )
        held = book.setdefault(category, {}).setdefault(plant, _PlantBids([], []))
        (held.per_unit if bid.per_unit else held.per_kg).append(bid)
    for plants in book.values():
        for held in plants.values():
            held.per_unit.sort(key=lambda b: (-b.price_fen, b.posted_at, b.id))
            held.per_kg.sort(key=lambda b: (-b.price_fen, b.posted_at, b.id))
            held.top_unit = held.per_unit[0].price_fen if held.per_unit else 0
            held.top_kg = held.per_kg[0].price_fen if held.per_kg else 0
    return book


def _best_of_plant(
    held: _PlantBids, *, metres: int, units: int, grams: int, month: str
) -> tuple[_Bid, int] | None:
    """The plant's bid paying most for the lot (then earliest) among those whose region
    reaches the station and whose month has the units left, with its gross price.

    The hot loop of a batch: `rules.gross_fen` and `rules.units_left_this_month` are written
    out here (the unit tests of `match_lots` hold the two to the rules)."""
    best: _Bid | None = None
    best_gross = -1
    for bid in held.per_unit:
        if bid.radius_m < metres:
            continue
        left = (
            bid.units_per_month - bid.used_units if bid.used_month == month else bid.units_per_month
        )
        if left < units:
            continue
        best, best_gross = bid, bid.price_fen * units
        break  # sorted by price, then time: the first that qualifies is the plant's best
    for bid in held.per_kg:
        gross = bid.price_fen * grams // 1000
        if gross < best_gross:
            break  # sorted by price: no later bid pays more
        if bid.radius_m < metres:
            continue
        left = (
            bid.units_per_month - bid.used_units if bid.used_month == month else bid.units_per_month
        )
        if left < units:
            continue
        if (
            best is None
            or gross > best_gross
            or (bid.posted_at, bid.id) < (best.posted_at, best.id)
        ):
            best, best_gross = bid, gross
    return None if best is None else (best, best_gross)


@dataclass(slots=True)
class _Batch:
    """What a batch holds while it decides lot after lot."""

    book: dict[str, dict[int, _PlantBids]]
    plants: Mapping[int, GeoPoint]
    facts: dict[int, tuple[tuple[LicenceTerm, ...], bool, dict[str, int]]]
    money: ledger.PostingBatch
    on: date
    month: str
    fen_per_km: int
    reach: dict[int, list[tuple[int, int, int]]]


def match_lots(
    session: Session,
    lots: Sequence[Lot],
    *,
    transport_fen_per_km: int,
    now: datetime,
) -> dict[int, Contract]:
    """Award each of `lots` (listed, row-locked by the caller) to its best standing bid net of
    transport; return {lot id: contract} for those awarded. A plant not eligible at award
    (licence, category, assessment, capacity this year) or unable to pay is passed over for
    the next bid; a lot no bid takes stays listed as a fixed-price offer.

    Lots are decided in the order given. Call inside the edge's transaction.
    """
    if not lots:
        return {}
    on = local_date(now)
    start, end = year_bounds(on)
    market = MarketRepository(session)
    book = _book(market.open_standing_bids(sorted({lot.category_code for lot in lots})))
    plant_ids = sorted({p for plants in book.values() for p in plants})
    market.lock_capacity(plant_ids)  # awards to a plant queue: capacity is spent once
    stations = sorted({lot.station_id for lot in lots})
    lock_award_books(session, plant_ids=plant_ids, station_ids=stations, now=now)
    batch = _Batch(
        book=book,
        plants=plant_locations(session),
        facts=market.eligibility_of_plants(plant_ids, start=start, end=end),
        money=ledger.PostingBatch(
            session,
            accounts=[ledger.Accounts.ESCROW, *(ledger.Accounts.party(p) for p in plant_ids)],
            now=now,
        ),
        on=on,
        month=rules.month_key(on),
        fen_per_km=transport_fen_per_km,
        reach={},
    )
    located = {sid: identity.organisation_location(session, sid) for sid in stations}
    awarded: dict[int, Contract] = {}
    for lot in lots:
        station = located[lot.station_id]
        contract = None if station is None else _match(session, batch, lot, station, now)
        if contract is None:
            lot.sale_method = SaleMethod.FIXED_PRICE.value
        else:
            lot.sale_method = SaleMethod.STANDING_BID.value
            awarded[lot.id] = contract
    settlement.record_sales(session, [sale_of(c) for c in awarded.values()], now=now)
    ExchangeRepository(session).store_lots(lots)
    batch.money.flush()
    market.record_bid_usage(
        [
            (b.id, b.used_month, b.used_units)
            for plants in book.values()
            for held in plants.values()
            for b in (*held.per_unit, *held.per_kg)
            if b.touched
        ]
    )
    session.flush()
    return awarded


def match_waiting_lots(
    session: Session, *, now: datetime, limit: int, transport_fen_per_km: int
) -> int:
    """The worker's standing-bid job: claim up to `limit` listed lots waiting for matching
    (oldest first; SKIP LOCKED on PostgreSQL, so parallel workers take disjoint lots) and
    match them as one batch (`match_lots`). Each claimed lot leaves the queue in this
    transaction, sold or listed at its fixed price, so it is matched exactly once. Returns
    how many lots were claimed (the worker runs again while a batch comes back full).
    """
    lots = ReceptionRepository(session).claim_lots_to_match(limit=limit)
    match_lots(session, lots, transport_fen_per_km=transport_fen_per_km, now=now)
    return len(lots)


_distance = lru_cache(maxsize=65_536)(haversine_m)
"""Great-circle metres between two points, remembered: stations and plants stay put."""


def _reach(batch: _Batch, station_id: int, station: GeoPoint) -> list[tuple[int, int, int]]:
    """(plant id, metres, transport fen) of every located plant from a station, nearest
    first, computed once per station and batch."""
    rows = batch.reach.get(station_id)
    if rows is None:
        rows = sorted(
            (
                (plant_id, metres, rules.transport_fen(metres, fen_per_km=batch.fen_per_km))
                for plant_id, where in batch.plants.items()
                for metres in (_distance(station, where),)
            ),
            key=lambda r: (r[2], r[0]),
        )
        batch.reach[station_id] = rows
    return rows


def _best_offer(
    bids: Mapping[int, _PlantBids],
    rows: Sequence[tuple[int, int, int]],
    *,
    units: int,
    grams: int,
    month: str,
    passed_over: set[int],
) -> tuple[BidOffer, _Bid] | None:
    """The offer `rules.best_offers` would put first (highest net, then earliest bid), found
    without ranking every plant: a plant whose best conceivable price (its top bid of each
    basis, whatever its radius or quantity) cannot reach the best net found so far is skipped.
    """
    best: tuple[tuple[int, datetime, int], int, int, _Bid, int] | None = None
    for plant_id, metres, cost in rows:
        held = bids.get(plant_id)
        if held is None or plant_id in passed_over:
            continue
        ceiling = max(held.top_unit * units, held.top_kg * grams // 1000) - cost
        if ceiling <= 0 or (best is not None and ceiling < -best[0][0]):
            continue
        found = _best_of_plant(held, metres=metres, units=units, grams=grams, month=month)
        if found is None:
            continue
        bid, gross = found
        offer_key = (cost - gross, bid.posted_at, bid.id)  # rules.offer_rank
        if gross > cost and (best is None or offer_key < best[0]):
            best = (offer_key, plant_id, cost, bid, gross)
    if best is None:
        return None
    _, plant_id, cost, bid, gross = best
    return BidOffer(bid.id, plant_id, gross, cost, bid.posted_at), bid


def _match(
    session: Session, batch: _Batch, lot: Lot, station: GeoPoint, now: datetime
) -> Contract | None:
    units, grams, category = lot.unit_count, lot.grams, lot.category_code
    rows = _reach(batch, lot.station_id, station)
    bids = batch.book.get(category, {})
    passed_over: set[int] = set()
    while (
        found := _best_offer(
            bids, rows, units=units, grams=grams, month=batch.month, passed_over=passed_over
        )
    ) is not None:
        offer, bid = found
        passed_over.add(offer.plant_id)
        licences, passed, contracted = batch.facts[offer.plant_id]
        facts = EligibilityFacts(offer.plant_id, licences, passed, contracted.get(category, 0))
        price = Money(offer.gross_fen)
        try:
            rules.check_eligible(facts, category=category, units=units, on=batch.on)
            batch.money.post(escrow_entry(lot, plant_id=offer.plant_id, price=price, now=now))
        except (NotEligible, ledger.InsufficientFunds):
            continue
        bid.used_units = (bid.used_units if bid.used_month == batch.month else 0) + units
        bid.used_month = batch.month
        bid.touched = True
        contracted[category] = contracted.get(category, 0) + units
        return record_award(
            session,
            lot,
            plant_id=offer.plant_id,
            price=price,
            method=SaleMethod.STANDING_BID,
            user_id=None,
            now=now,
            standing_bid_id=bid.id,
            transport=Money(offer.transport_fen),
        )
    return None
