"""The world the authorization matrix runs against: for every role an object of its own
and a comparable object of another organisation, each in the state its routes act on.

Everything is reached through the real services (`tests.factories` and the domain
packages), never by writing rows. The "a" side is the caller's own organisation; the
"b" side is another organisation of the same role.

It also says how each route is called for a role and a case (`BUILDERS`), so the
matrix module holds little but the table of expected answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from ewaste import compliance, custody, dispatch, exchange, orders, pricing
from ewaste.identity import Actor
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from tests.factories import (
    FUTIAN,
    LONGGANG,
    PASSING_CHECKLIST,
    PASSWORD,
    World,
    book,
    build_world,
    collect,
    collector_of,
)

# Pickups booked here go to collector_a (based in Futian); pickups booked in Longgang go
# to collector_b, so each side's units travel through its own collector.
SIDE_PLACE = {"a": FUTIAN, "b": LONGGANG}

# A well-formed unit code (prefix, 12 Crockford characters) that no unit carries.
MISSING_UNIT_CODE = "EWZZZZZZZZZZZZ"
MISSING_ID = 987_654
LOT_PRICE = Money(480_00)


@dataclass(frozen=True, slots=True)
class Side:
    """One side's objects, each in the state named by its field."""

    quote_open: int
    pickup_requested: int
    offer_open: int
    """An open offer to this side's collector, of a pickup waiting on this side."""
    pickup_assigned: int
    pickup_adjusting: int
    pickup_collected: int
    unit_with_collector: str
    unit_at_station: str
    lot_listed: int
    lot_listed_codes: tuple[str, ...]
    lot_sold: int
    lot_shipped: int
    lot_shipped_codes: tuple[str, ...]
    lot_shipped_grams: int
    lot_received: int
    unit_at_plant: str
    lot_auction: int
    """A lot of this side's station on sealed-bid auction, still open, without bids."""
    standing_bid: int
    """An open standing bid of this side's plant (washing machines)."""
    contract: int
    """The contract of `lot_sold`."""
    assessment_submitted: int
    """A conformity assessment of this side's plant awaiting review."""
    claim_draft: int = 0
    """A draft subsidy claim of this side's plant (2026-09); 2026-10 has a unit unclaimed."""
    claim_submitted: int = 0
    """A submitted subsidy claim of this side's plant (2026-08), awaiting a decision."""
    unit_flagged: str = ""
    """A unit this side's plant dismantled with outputs flagged, awaiting review."""
    lot_disputed: int = 0
    """A lot this side's plant received at twice its weight: its discrepancy awaits an
    operator's decision."""


@dataclass(frozen=True, slots=True)
class MatrixWorld:
    """The parties of `tests.factories.World` and the objects of both sides."""

    world: World
    a: Side
    b: Side
    extra: dict[str, Any] = field(default_factory=dict)
    """Objects added by `WORLD_HOOKS` (e.g. tests.api.matrix_money), by name."""

    def side(self, name: str) -> Side:
        """The objects of side "a" (the caller's) or "b" (another organisation's)."""
        return self.a if name == "a" else self.b


def _actor(world: World, role: str, side: str) -> Actor:
    return world.by_role(role, side)


def _collected_units(session: Session, world: World, side: str, now: datetime) -> tuple[str, ...]:
    """Book a flat TV for the side's household and collect it; return the unit codes."""
    pickup = book(session, _actor(world, "household", side), now=now, at=SIDE_PLACE[side])
    done = collect(session, world, pickup, now=now)
    return done.unit_codes


def _units_at_station(session: Session, world: World, side: str, now: datetime) -> tuple[str, ...]:
    codes = _collected_units(session, world, side, now)
    units = exchange.receive_at_station(
        session,
        actor=_actor(world, "station", side),
        collector_id=collector_of(world, _collector_id(world, side)).organisation_id,
        unit_codes=list(codes),
        now=now,
    )
    assert units.unit_count == len(codes)
    return codes


def units_at_side_station(
    session: Session, world: World, side: str, now: datetime
) -> tuple[str, ...]:
    """A flat TV of the side's household, collected and received at the side's station."""
    return _units_at_station(session, world, side, now)


def _collector_id(world: World, side: str) -> int:
    return _actor(world, "collector", side).organisation_id


def _lot(
    session: Session,
    world: World,
    side: str,
    now: datetime,
    sale: exchange.SaleMethod = exchange.SaleMethod.FIXED_PRICE,
) -> exchange.LotView:
    codes = _units_at_station(session, world, side, now)
    return exchange.create_lot(
        session,
        actor=_actor(world, "station", side),
        unit_codes=list(codes),
        price=LOT_PRICE,
        now=now,
        sale=sale,
        closes_at=now + timedelta(hours=2) if sale is exchange.SaleMethod.AUCTION else None,
    )


def _claims(session: Session, world: World, side: str, now: datetime) -> tuple[int, int, str]:
    """Three units dismantled at the side's plant (August, September, October 2026) as
    the catalogue expects: a submitted claim for August, a draft for September, October
    left to claim; a fourth dismantled in October with outputs flagged (ADR 0019)."""
    station = _actor(world, "station", side)
    plant = _actor(world, "plant", side)
    codes = [c for _ in range(4) for c in _units_at_station(session, world, side, now)]
    lot = exchange.create_lot(session, actor=station, unit_codes=codes, price=LOT_PRICE, now=now)
    exchange.buy_lot(session, actor=plant, lot_id=lot.id, now=now)
    exchange.ship_lot(session, actor=station, lot_id=lot.id, now=now)
    exchange.receive_lot(
        session,
        actor=plant,
        lot_id=lot.id,
        unit_codes=list(lot.unit_codes),
        load_grams=lot.grams,
        now=now,
        tolerance_basis_points=300,
        fee_basis_points=200,
    )
    shares, _ = compliance.expected_composition("tv_flat", {})
    units = {u.code: u for u in custody.units_by_codes(session, codes)}
    for unit, month in zip((units[c] for c in codes), (8, 9, 10, 10), strict=True):
        as_expected = {f.value: unit.door_grams * bp // 10_000 for f, bp in shares.items()}
        compliance.record_dismantling(
            session,
            actor=plant,
            unit_code=unit.code,
            line="L1",
            fractions=as_expected if unit.code != codes[-1] else {"plastics": 5000},
            now=now.replace(month=month, day=10),
            evidence="cam:matrix",
        )
    submitted = compliance.prepare_claim(session, actor=plant, period="2026-08", now=now)
    compliance.submit_claim(session, actor=plant, claim_id=submitted.id, now=now)
    draft = compliance.prepare_claim(session, actor=plant, period="2026-09", now=now)
    return draft.id, submitted.id, codes[-1]


def _side(session: Session, world: World, side: str, now: datetime) -> Side:
    household = _actor(world, "household", side)
    station = _actor(world, "station", side)
    plant = _actor(world, "plant", side)
    place: GeoPoint = SIDE_PLACE[side]

    quote = pricing.create_quote(
        session,
        actor=household,
        now=now,
        valid_for=timedelta(hours=24),
        items=[pricing.ItemRequest("tv_flat", 1)],
    )
    requested = book(session, household, now=now, at=place)
    offered = book(session, household, now=now, at=place)
    own_collector = _collector_id(world, side)
    offers = dispatch.offer_pickup(
        session, actor=world.operator, pickup_id=offered.id, now=now, collectors=2
    )
    offer_open = next(o.id for o in offers if o.collector_id == own_collector)
    assigned = book(session, household, now=now, at=place)
    dispatch.assign_pickup(session, actor=world.operator, pickup_id=assigned.id, now=now)

    adjusting = book(session, household, now=now, at=place)
    assigned_to = dispatch.assign_pickup(
        session, actor=world.operator, pickup_id=adjusting.id, now=now
    )
    orders.propose_adjustments(
        session,
        actor=collector_of(world, assigned_to.collector_id),
        pickup_id=adjusting.id,
        adjustments=[orders.AdjustmentRequest(0, "broken_screen", "photo:matrix")],
        now=now,
    )

    with_collector = collect(session, world, book(session, household, now=now, at=place), now=now)
    at_station = _units_at_station(session, world, side, now)

    listed = _lot(session, world, side, now)
    sold = _lot(session, world, side, now)
    exchange.buy_lot(session, actor=plant, lot_id=sold.id, now=now)
    shipped = _lot(session, world, side, now)
    exchange.buy_lot(session, actor=plant, lot_id=shipped.id, now=now)
    exchange.ship_lot(session, actor=station, lot_id=shipped.id, now=now)
    received = _lot(session, world, side, now)
    exchange.buy_lot(session, actor=plant, lot_id=received.id, now=now)
    exchange.ship_lot(session, actor=station, lot_id=received.id, now=now)
    exchange.receive_lot(
        session,
        actor=plant,
        lot_id=received.id,
        unit_codes=list(received.unit_codes),
        load_grams=received.grams,
        now=now,
        tolerance_basis_points=300,
        fee_basis_points=200,
    )
    disputed = _lot(session, world, side, now)
    exchange.buy_lot(session, actor=plant, lot_id=disputed.id, now=now)
    exchange.ship_lot(session, actor=station, lot_id=disputed.id, now=now)
    exchange.receive_lot(
        session,
        actor=plant,
        lot_id=disputed.id,
        unit_codes=list(disputed.unit_codes),
        load_grams=disputed.grams * 2,
        now=now,
        tolerance_basis_points=300,
        fee_basis_points=200,
    )
    auction = _lot(session, world, side, now, sale=exchange.SaleMethod.AUCTION)
    standing = exchange.post_standing_bid(
        session,
        actor=plant,
        category="washing_machine",
        basis=exchange.PriceBasis.UNIT,
        price=Money(60_00),
        radius_km=100,
        units_per_month=500,
        now=now,
    )
    contract = next(c for c in exchange.contracts_for(session, actor=plant) if c.lot_id == sold.id)
    assessment = exchange.record_assessment(
        session,
        actor=world.operator,
        plant_id=plant.organisation_id,
        answers=PASSING_CHECKLIST,
        now=now,
    )
    claim_draft, claim_submitted, unit_flagged = _claims(session, world, side, now)
    return Side(
        lot_auction=auction.id,
        standing_bid=standing.id,
        contract=contract.id,
        assessment_submitted=assessment.id,
        quote_open=quote.id,
        pickup_requested=requested.id,
        offer_open=offer_open,
        pickup_assigned=assigned.id,
        pickup_adjusting=adjusting.id,
        pickup_collected=with_collector.pickup.id,
        unit_with_collector=with_collector.unit_codes[0],
        unit_at_station=at_station[0],
        lot_listed=listed.id,
        lot_listed_codes=listed.unit_codes,
        lot_sold=sold.id,
        lot_shipped=shipped.id,
        lot_shipped_codes=shipped.unit_codes,
        lot_shipped_grams=shipped.grams,
        lot_received=received.id,
        unit_at_plant=received.unit_codes[0],
        claim_draft=claim_draft,
        claim_submitted=claim_submitted,
        unit_flagged=unit_flagged,
        lot_disputed=disputed.id,
    )


def build_matrix_world(session: Session, *, now: datetime) -> MatrixWorld:
    """Both sides' objects, built through the services at `now`."""
    world = build_world(session, now=now)
    a = _side(session, world, "a", now)
    b = _side(session, world, "b", now)
    matrix_world = MatrixWorld(world, a, b)
    for hook in WORLD_HOOKS:
        hook(session, matrix_world, now)
    session.flush()
    return matrix_world


WORLD_HOOKS: list[Callable[[Session, MatrixWorld, datetime], None]] = []
"""More objects for the world, added by modules that own routes (tests.api.matrix_money)."""


def savepoint_sessions(connection: Connection) -> sessionmaker[Session]:
    """Sessions on `connection` whose commits release a savepoint instead of committing."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@contextmanager
def shared_world(engine: Engine, *, now: datetime) -> Iterator[tuple[Connection, MatrixWorld]]:
    """Build the world once on a connection whose outer transaction is rolled back at exit.

    For a module of tests that each run in `rolled_back_session(connection)`: the world
    costs one build instead of one per test. Every test of such a module must use this
    connection only (on SQLite a second connection would wait for its write lock).
    """
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            with savepoint_sessions(connection)() as session:
                world = build_matrix_world(session, now=now)
                session.commit()
            yield connection, world
        finally:
            outer.rollback()


@contextmanager
def rolled_back_session(connection: Connection) -> Iterator[Session]:
    """A session on the shared connection; everything it writes is rolled back at exit."""
    savepoint = connection.begin_nested()
    try:
        with savepoint_sessions(connection)() as session:
            yield session
    finally:
        savepoint.rollback()


# --- requests ----------------------------------------------------------------------------
# How each route is called for a role and a case ("own", "other", "missing"); the
# expected answers live in the matrix (tests/api/test_authorization_matrix.py).

Route = tuple[str, str]

USERNAMES = {
    "household": "home-a",
    "collector": "col-a",
    "station": "sta-a",
    "plant": "plant-a",
    "producer": "prod",
    "operator": "operator",
    "regulator": "reg",
}
OTHER_USERNAMES = {
    "household": "home-b",
    "collector": "col-b",
    "station": "sta-b",
    "plant": "plant-b",
    "producer": "home-b",
    "operator": "reg",
    "regulator": "operator",
}


@dataclass(frozen=True, slots=True)
class Call:
    """One request: path, optional JSON body and query parameters."""

    path: str
    json: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


Builder = Callable[[MatrixWorld, str, str], Call]


def _pick(mw: MatrixWorld, case: str, attribute: str) -> Any:
    """The `attribute` of the caller's side (own), the other side, or a missing id."""
    if case == "missing":
        return MISSING_UNIT_CODE if attribute.startswith("unit_") else MISSING_ID
    return getattr(mw.side("a" if case == "own" else "b"), attribute)


def _pickup_attribute(role: str) -> str:
    # A collector's own pickup is one assigned to it; everyone else's is a new request.
    return "pickup_assigned" if role == "collector" else "pickup_requested"


_UNIT_BY_ROLE = {"station": "unit_at_station", "plant": "unit_at_plant"}
_DOOR_BODY = {"units": [{"category": "tv_flat", "grams": 10_200}], "evidence": "photo:1"}
_PRICE = {"amount": "480.00", "currency": "CNY"}


def _token_call(mw: MatrixWorld, role: str, case: str) -> Call:
    if case == "own":
        return Call("/api/auth/token", {"username": USERNAMES[role], "password": PASSWORD})
    if case == "other":
        # Another organisation's user, with the caller's guess at its password.
        username = OTHER_USERNAMES.get(role, "home-b")
        return Call("/api/auth/token", {"username": username, "password": "not-" + PASSWORD})
    return Call("/api/auth/token", {"username": "nobody-here", "password": PASSWORD})


def _pickup_booking(mw: MatrixWorld, role: str, case: str) -> Call:
    return Call(
        "/api/pickups",
        {
            "quote_id": _pick(mw, case, "quote_open"),
            "address": "福田区深南大道1号",
            "location": {"lat": 22.5223, "lon": 114.0553},
            "window_start": "2026-11-24T03:00:00Z",
            "window_end": "2026-11-24T05:00:00Z",
            "contact_name": "李女士",
            "contact_phone": "13800138000",
        },
    )


def _station_receipt(mw: MatrixWorld, role: str, case: str) -> Call:
    world = mw.world
    if case == "own":
        collector, code = world.collector_a.organisation_id, mw.a.unit_with_collector
    elif case == "other":
        collector, code = world.collector_b.organisation_id, mw.b.unit_at_station
    else:
        collector, code = world.collector_a.organisation_id, MISSING_UNIT_CODE
    return Call("/api/station-receipts", {"collector_id": collector, "unit_codes": [code]})


def _lot_reception(mw: MatrixWorld, role: str, case: str) -> Call:
    side = mw.b if case == "other" else mw.a
    lot_id = MISSING_ID if case == "missing" else side.lot_shipped
    body = {"unit_codes": list(side.lot_shipped_codes), "load_grams": side.lot_shipped_grams}
    return Call(f"/api/lots/{lot_id}/receive", body)


def _lot_for_reading(mw: MatrixWorld, role: str, case: str) -> Call:
    attribute = "lot_sold" if role == "plant" else "lot_listed"
    return Call(f"/api/lots/{_pick(mw, case, attribute)}")


def _lot_purchase(mw: MatrixWorld, role: str, case: str) -> Call:
    lot_id = _pick(mw, case, "lot_listed" if case == "own" else "lot_sold")
    return Call(f"/api/lots/{lot_id}/buy")


def _trace(mw: MatrixWorld, role: str, case: str) -> Call:
    code = _pick(mw, case, _UNIT_BY_ROLE.get(role, "unit_with_collector"))
    return Call(f"/api/units/{code}/trace")


def _dismantling(mw: MatrixWorld, role: str, case: str) -> Call:
    code = _pick(mw, case, "unit_at_plant")
    body = {"line": "L1", "fractions": {"plastics": 5000, "glass": 3000}, "evidence": "cam:7"}
    return Call(f"/api/units/{code}/dismantling", body)


def _ledger_entries(mw: MatrixWorld, role: str, case: str) -> Call:
    prefix = f"pickup:{_pick(mw, case, 'pickup_collected')}"
    return Call("/api/ledger/entries", params={"source_prefix": prefix})


def _route_sheet(mw: MatrixWorld, role: str, case: str) -> Call:
    collector = (
        MISSING_ID if case == "missing" else _collector_id(mw.world, "a" if case == "own" else "b")
    )
    return Call(f"/api/collectors/{collector}/route", params={"day": "2026-11-24"})


def _plant_id(mw: MatrixWorld, case: str) -> int:
    if case == "missing":
        return MISSING_ID
    return _actor(mw.world, "plant", "a" if case == "own" else "b").organisation_id


def _licence_call(mw: MatrixWorld, role: str, case: str) -> Call:
    body = {
        "plant_id": _plant_id(mw, case),
        "number": f"MATRIX-{role}-{case}",
        "province": "广东",
        "annual_units": {"tv_flat": 1000},
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
    }
    return Call("/api/licences", body)


def _producer_id(mw: MatrixWorld, case: str) -> int:
    """The world's producer (own), another organisation that is no producer, or no one."""
    if case == "missing":
        return MISSING_ID
    return (
        mw.world.producer if case == "own" else mw.world.by_role("household", "b")
    ).organisation_id


def _brand_call(mw: MatrixWorld, role: str, case: str) -> Call:
    return Call("/api/brands", {"name": "Matrix Brand", "producer_id": _producer_id(mw, case)})


COMPLIANCE_BUILDERS: dict[Route, Builder] = {
    ("GET", "/api/dismantling-checks"): lambda mw, role, case: Call("/api/dismantling-checks"),
    ("POST", "/api/dismantling-checks/{unit_code}/review"): lambda mw, role, case: Call(
        f"/api/dismantling-checks/{_pick(mw, case, 'unit_flagged')}/review",
        {"clear": True, "note": "matrix"},
    ),
    ("GET", "/api/reports/volumes"): lambda mw, role, case: Call(
        "/api/reports/volumes", params={"first": "2026-01", "last": "2026-12"}
    ),
    ("GET", "/api/reports/producers/{producer_id}"): lambda mw, role, case: Call(
        f"/api/reports/producers/{_producer_id(mw, case)}",
        params={"first": "2026-01", "last": "2026-12"},
    ),
    ("POST", "/api/brands"): _brand_call,
}


MARKET_BUILDERS: dict[Route, Builder] = {
    ("POST", "/api/licences"): _licence_call,
    ("GET", "/api/plants/{plant_id}/licences"): lambda mw, role, case: Call(
        f"/api/plants/{_plant_id(mw, case)}/licences"
    ),
    ("GET", "/api/plants/{plant_id}/capacity"): lambda mw, role, case: Call(
        f"/api/plants/{_plant_id(mw, case)}/capacity"
    ),
    ("POST", "/api/assessments"): lambda mw, role, case: Call(
        "/api/assessments", {"plant_id": _plant_id(mw, case), "answers": PASSING_CHECKLIST}
    ),
    ("POST", "/api/assessments/{assessment_id}/review"): lambda mw, role, case: Call(
        f"/api/assessments/{_pick(mw, case, 'assessment_submitted')}/review",
        {"passed": True, "note": "matrix"},
    ),
    ("POST", "/api/lots/{lot_id}/bids"): lambda mw, role, case: Call(
        f"/api/lots/{_pick(mw, case, 'lot_auction')}/bids", {"price": _PRICE}
    ),
    ("GET", "/api/lots/{lot_id}/auction"): lambda mw, role, case: Call(
        f"/api/lots/{_pick(mw, case, 'lot_auction')}/auction"
    ),
    ("POST", "/api/standing-bids"): lambda mw, role, case: Call(
        "/api/standing-bids",
        {
            "category": "tv_flat",
            "basis": "unit",
            "price": _PRICE,
            "radius_km": 50,
            "units_per_month": 10,
        },
    ),
    ("GET", "/api/standing-bids"): lambda mw, role, case: Call("/api/standing-bids"),
    ("POST", "/api/standing-bids/{bid_id}/withdraw"): lambda mw, role, case: Call(
        f"/api/standing-bids/{_pick(mw, case, 'standing_bid')}/withdraw"
    ),
    ("GET", "/api/contracts"): lambda mw, role, case: Call("/api/contracts"),
    ("GET", "/api/discrepancies"): lambda mw, role, case: Call("/api/discrepancies"),
    ("GET", "/api/lots/{lot_id}/discrepancy"): lambda mw, role, case: Call(
        f"/api/lots/{_pick(mw, case, 'lot_disputed')}/discrepancy"
    ),
    ("POST", "/api/lots/{lot_id}/discrepancy/decision"): lambda mw, role, case: Call(
        f"/api/lots/{_pick(mw, case, 'lot_disputed')}/discrepancy/decision",
        {"adjusted_price": {"amount": "400.00", "currency": "CNY"}, "reason": "heavy load"},
    ),
    ("GET", "/api/market/data"): lambda mw, role, case: Call("/api/market/data"),
    ("GET", "/api/contracts/{contract_id}"): lambda mw, role, case: Call(
        f"/api/contracts/{_pick(mw, case, 'contract')}"
    ),
}


BUILDERS: dict[Route, Builder] = {
    **MARKET_BUILDERS,
    **COMPLIANCE_BUILDERS,
    ("POST", "/api/auth/token"): _token_call,
    ("GET", "/api/me"): lambda mw, role, case: Call("/api/me"),
    ("GET", "/api/categories"): lambda mw, role, case: Call("/api/categories"),
    ("POST", "/api/quotes"): lambda mw, role, case: Call(
        "/api/quotes",
        {"items": [{"category": "tv_flat" if case == "own" else "no_such_thing", "quantity": 1}]},
    ),
    ("GET", "/api/quotes/{quote_id}"): lambda mw, role, case: Call(
        f"/api/quotes/{_pick(mw, case, 'quote_open')}"
    ),
    ("POST", "/api/pickups"): _pickup_booking,
    ("GET", "/api/pickups"): lambda mw, role, case: Call("/api/pickups"),
    ("GET", "/api/pickups/{pickup_id}"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, _pickup_attribute(role))}"
    ),
    ("POST", "/api/pickups/{pickup_id}/cancel"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, _pickup_attribute(role))}/cancel", {"reason": "moved"}
    ),
    ("POST", "/api/pickups/{pickup_id}/assign"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, 'pickup_requested')}/assign"
    ),
    ("POST", "/api/pickups/{pickup_id}/set-out"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, 'pickup_assigned')}/set-out"
    ),
    ("POST", "/api/pickups/{pickup_id}/collect"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, 'pickup_assigned')}/collect", _DOOR_BODY
    ),
    ("POST", "/api/station-receipts"): _station_receipt,
    ("POST", "/api/lots"): lambda mw, role, case: Call(
        "/api/lots", {"unit_codes": [_pick(mw, case, "unit_at_station")], "price": _PRICE}
    ),
    ("GET", "/api/lots"): lambda mw, role, case: Call("/api/lots"),
    ("GET", "/api/lots/{lot_id}"): _lot_for_reading,
    ("POST", "/api/lots/{lot_id}/buy"): _lot_purchase,
    ("POST", "/api/lots/{lot_id}/ship"): lambda mw, role, case: Call(
        f"/api/lots/{_pick(mw, case, 'lot_sold')}/ship"
    ),
    ("POST", "/api/lots/{lot_id}/receive"): _lot_reception,
    ("GET", "/api/units/{unit_code}/trace"): _trace,
    ("POST", "/api/units/{unit_code}/dismantling"): _dismantling,
    ("POST", "/api/claims"): lambda mw, role, case: Call("/api/claims", {"period": "2026-10"}),
    ("GET", "/api/claims"): lambda mw, role, case: Call("/api/claims"),
    ("GET", "/api/claims/{claim_id}"): lambda mw, role, case: Call(
        f"/api/claims/{_pick(mw, case, 'claim_draft')}"
    ),
    ("GET", "/api/claims/{claim_id}/csv"): lambda mw, role, case: Call(
        f"/api/claims/{_pick(mw, case, 'claim_draft')}/csv"
    ),
    ("GET", "/api/claims/{claim_id}/pdf"): lambda mw, role, case: Call(
        f"/api/claims/{_pick(mw, case, 'claim_draft')}/pdf"
    ),
    ("POST", "/api/claims/{claim_id}/submit"): lambda mw, role, case: Call(
        f"/api/claims/{_pick(mw, case, 'claim_draft')}/submit"
    ),
    ("POST", "/api/claims/{claim_id}/decision"): lambda mw, role, case: Call(
        f"/api/claims/{_pick(mw, case, 'claim_submitted')}/decision", {"approve": True}
    ),
    ("GET", "/api/accounts/me"): lambda mw, role, case: Call("/api/accounts/me"),
    ("GET", "/api/ledger/entries"): _ledger_entries,
    ("GET", "/api/reports/overview"): lambda mw, role, case: Call("/api/reports/overview"),
    ("GET", "/api/custody/verify"): lambda mw, role, case: Call("/api/custody/verify"),
    ("GET", "/api/custody/public-key"): lambda mw, role, case: Call("/api/custody/public-key"),
    ("POST", "/api/pickups/{pickup_id}/adjustments"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, 'pickup_assigned')}/adjustments",
        {"adjustments": [{"item": 0, "reason": "broken_screen", "photo_ref": "photo:m"}]},
    ),
    ("GET", "/api/pickups/{pickup_id}/adjustments"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, _pickup_attribute(role))}/adjustments"
    ),
    ("POST", "/api/pickups/{pickup_id}/adjustments/decision"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, 'pickup_adjusting')}/adjustments/decision",
        {"accept": True},
    ),
    ("GET", "/api/reports/door-adjustments"): lambda mw, role, case: Call(
        "/api/reports/door-adjustments"
    ),
    ("GET", "/api/prices"): lambda mw, role, case: Call("/api/prices"),
    ("GET", "/api/prices/board"): lambda mw, role, case: Call("/api/prices/board"),
    ("GET", "/api/prices/index"): lambda mw, role, case: Call(
        "/api/prices/index", params={"weeks": "2"}
    ),
    ("POST", "/api/prices"): lambda mw, role, case: Call(
        "/api/prices",
        {
            "kind": "commodity",
            "key": "steel_scrap",
            "region": "shenzhen",
            "value": "2.05",
            "effective_from": "2026-11-01T00:00:00+08:00",
            "source": "matrix test",
        },
    ),
    ("GET", "/api/collectors/{collector_id}/route"): _route_sheet,
    ("POST", "/api/routes/plan"): lambda mw, role, case: Call("/api/routes/plan", {}),
    ("POST", "/api/pickups/{pickup_id}/offers"): lambda mw, role, case: Call(
        f"/api/pickups/{_pick(mw, case, 'pickup_requested')}/offers", {"collectors": 2}
    ),
    ("GET", "/api/offers"): lambda mw, role, case: Call("/api/offers"),
    ("POST", "/api/offers/{offer_id}/accept"): lambda mw, role, case: Call(
        f"/api/offers/{_pick(mw, case, 'offer_open')}/accept"
    ),
    ("POST", "/api/offers/{offer_id}/decline"): lambda mw, role, case: Call(
        f"/api/offers/{_pick(mw, case, 'offer_open')}/decline"
    ),
    ("POST", "/api/prices/import"): lambda mw, role, case: Call(
        "/api/prices/import",
        {
            "csv": "kind,key,region,value,effective_from,source\n"
            "commodity,steel_scrap,shenzhen,2.05,2026-11-01,matrix test\n"
        },
    ),
}


@dataclass(frozen=True, slots=True)
class Matrix:
    """The module's client, world and one bearer token per role."""

    client: TestClient
    world: MatrixWorld
    tokens: dict[str, str]
    connection: Connection
    quiet: TestClient
    """The same app, answering unanticipated errors with 500 instead of raising them."""


def send(m: Matrix, method: str, role: str, call: Call, *, token: bool = True) -> Any:
    """Send `call` as `role` (with its bearer token unless `token` is false or anonymous)."""
    headers = dict(call.headers)
    if token and role != "anonymous":
        headers["Authorization"] = f"Bearer {m.tokens[role]}"
    return m.client.request(method, call.path, json=call.json, params=call.params, headers=headers)
