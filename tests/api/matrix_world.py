"""The world the authorization matrix runs against: for every role an object of its own
and a comparable object of another organisation, each in the state its routes act on.

Everything is reached through the real services (`tests.factories` and the domain
packages), never by writing rows. The "a" side is the caller's own organisation; the
"b" side is another organisation of the same role.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from ewaste import dispatch, exchange, pricing
from ewaste.identity import Actor
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from tests.factories import FUTIAN, LONGGANG, World, book, build_world, collect, collector_of

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
    pickup_assigned: int
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


@dataclass(frozen=True, slots=True)
class MatrixWorld:
    """The parties of `tests.factories.World` and the objects of both sides."""

    world: World
    a: Side
    b: Side

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


def _collector_id(world: World, side: str) -> int:
    return _actor(world, "collector", side).organisation_id


def _lot(session: Session, world: World, side: str, now: datetime) -> exchange.LotView:
    codes = _units_at_station(session, world, side, now)
    return exchange.create_lot(
        session,
        actor=_actor(world, "station", side),
        unit_codes=list(codes),
        price=LOT_PRICE,
        now=now,
    )


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
    assigned = book(session, household, now=now, at=place)
    dispatch.assign_pickup(session, actor=world.operator, pickup_id=assigned.id, now=now)

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
    return Side(
        quote_open=quote.id,
        pickup_requested=requested.id,
        pickup_assigned=assigned.id,
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
    )


def build_matrix_world(session: Session, *, now: datetime) -> MatrixWorld:
    """Both sides' objects, built through the services at `now`."""
    world = build_world(session, now=now)
    a = _side(session, world, "a", now)
    b = _side(session, world, "b", now)
    session.flush()
    return MatrixWorld(world, a, b)


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
