"""Thin builders that reach states through the real services, never by writing rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import catalog, dispatch, exchange, identity, ledger, orders, pricing
from ewaste.identity import Actor, Role
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from ewaste.kernel.quantities import Mass

PASSWORD = "correct-horse-42"

FUTIAN = GeoPoint(22.5223, 114.0553)
NANSHAN = GeoPoint(22.5329, 113.9305)
LONGGANG = GeoPoint(22.7200, 114.2470)


@dataclass
class World:
    """Two of every party role (an 'a' and a 'b' side) plus the platform staff."""

    operator: Actor
    regulator: Actor
    producer: Actor
    household_a: Actor
    household_b: Actor
    collector_a: Actor
    collector_b: Actor
    station_a: Actor
    station_b: Actor
    plant_a: Actor
    plant_b: Actor

    def by_role(self, role: str, side: str = "a") -> Actor:
        """The actor of `role` on `side` (staff roles have one side)."""
        if role in {"operator", "regulator", "producer"}:
            return getattr(self, role)  # type: ignore[no-any-return]
        return getattr(self, f"{role}_{side}")  # type: ignore[no-any-return]


def make_party(
    session: Session, role: Role, username: str, *, now: datetime, at: GeoPoint | None = None
) -> Actor:
    """Register an organisation with one user and return its actor."""
    org = identity.register_organisation(
        session, role=role, name=username.title(), name_zh=username, location=at, now=now
    )
    user = identity.register_user(
        session,
        organisation_id=org.id,
        username=username,
        password=PASSWORD,
        now=now,
        password_hash=_shared_hash(),
    )
    return identity.actor_for_user(session, user_id=user.id)


_HASH: list[str] = []


def _shared_hash() -> str:
    if not _HASH:
        _HASH.append(identity.hash_password(PASSWORD))
    return _HASH[0]


def build_world(session: Session, *, now: datetime) -> World:
    """Catalogue, two of each party, collector vehicles, and funded balances."""
    catalog.load_catalogue(session)
    pricing.load_seed_prices(session, now=now)
    op = make_party(session, Role.OPERATOR, "operator", now=now)
    world = World(
        operator=op,
        regulator=make_party(session, Role.REGULATOR, "reg", now=now),
        producer=make_party(session, Role.PRODUCER, "prod", now=now),
        household_a=make_party(session, Role.HOUSEHOLD, "home-a", now=now, at=FUTIAN),
        household_b=make_party(session, Role.HOUSEHOLD, "home-b", now=now, at=NANSHAN),
        collector_a=make_party(session, Role.COLLECTOR, "col-a", now=now, at=FUTIAN),
        collector_b=make_party(session, Role.COLLECTOR, "col-b", now=now, at=LONGGANG),
        station_a=make_party(session, Role.STATION, "sta-a", now=now, at=FUTIAN),
        station_b=make_party(session, Role.STATION, "sta-b", now=now, at=LONGGANG),
        plant_a=make_party(session, Role.PLANT, "plant-a", now=now, at=LONGGANG),
        plant_b=make_party(session, Role.PLANT, "plant-b", now=now, at=NANSHAN),
    )
    for index, collector in enumerate((world.collector_a, world.collector_b), start=1):
        dispatch.register_collector(
            session,
            organisation_id=collector.organisation_id,
            vehicle=dispatch.Vehicle.VAN,
            capacity_grams=2_000_000,
            badge=f"T-{index}",
            skills=dispatch.SKILLS,
        )
    for party, amount in (
        (world.collector_a, 1_000_000),
        (world.collector_b, 1_000_000),
        (world.station_a, 10_000_000),
        (world.station_b, 10_000_000),
        (world.plant_a, 100_000_000),
        (world.plant_b, 100_000_000),
    ):
        ledger.record_deposit(
            session,
            actor=op,
            organisation_id=party.organisation_id,
            amount=Money(amount),
            bank_reference=f"seed-{party.organisation_id}",
            now=now,
        )
    for number, plant in enumerate((world.plant_a, world.plant_b), start=1):
        license_plant(session, world.operator, plant, now=now, number=f"粤拆解-{number:04d}")
    session.flush()
    return world


PASSING_CHECKLIST = {item: True for items in exchange.CHECKLIST.values() for item in items}


def license_plant(
    session: Session,
    operator: Actor,
    plant: Actor,
    *,
    now: datetime,
    number: str,
    units: int = 1_000_000,
    categories: tuple[str, ...] | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    assessed: bool = True,
) -> None:
    """Give a plant a licence for every category (or `categories`) valid this year and, when
    `assessed`, a passed conformity assessment, through the real services."""
    codes = categories or tuple(c.code for c in catalog.categories(session))
    exchange.record_licence(
        session,
        actor=operator,
        plant_id=plant.organisation_id,
        number=number,
        province="广东",
        annual_units=dict.fromkeys(codes, units),
        valid_from=valid_from or date(now.year, 1, 1),
        valid_to=valid_to or date(now.year + 2, 12, 31),
        now=now,
    )
    if assessed:
        assessment = exchange.record_assessment(
            session,
            actor=operator,
            plant_id=plant.organisation_id,
            answers=PASSING_CHECKLIST,
            now=now,
        )
        exchange.review_assessment(
            session,
            actor=operator,
            assessment_id=assessment.id,
            passed=True,
            note="site visit",
            now=now,
        )


def window(now: datetime, *, hours_ahead: int = 1, length: int = 2) -> orders.TimeWindow:
    """A pickup window starting `hours_ahead` from now."""
    start = now + timedelta(hours=hours_ahead)
    return orders.TimeWindow(start, start + timedelta(hours=length))


def book(
    session: Session,
    household: Actor,
    *,
    now: datetime,
    items: dict[str, int] | None = None,
    at: GeoPoint = FUTIAN,
    starts: datetime | None = None,
    hours: float = 2,
    address: str = "福田区深南大道1号",
) -> orders.PickupView:
    """Quote `items` (default: one flat TV) and book a pickup for it, its window opening
    at `starts` (default: an hour from now) for `hours`."""
    quote = pricing.create_quote(
        session,
        actor=household,
        now=now,
        valid_for=timedelta(hours=24),
        items=[pricing.ItemRequest(c, n) for c, n in (items or {"tv_flat": 1}).items()],
    )
    return orders.book_pickup(
        session,
        actor=household,
        quote_id=quote.id,
        address=address,
        location=at,
        window=orders.TimeWindow(starts, starts + timedelta(hours=hours))
        if starts is not None
        else window(now, length=int(hours)),
        contact_name="李女士",
        contact_phone="13800138000",
        now=now,
    )


def assign_to(
    session: Session, world: World, pickup_id: int, collector: Actor, *, now: datetime
) -> orders.PickupView:
    """Assign a pickup to `collector` by hand, as the operator (no routing)."""
    return orders.assign_collector(
        session,
        actor=world.operator,
        pickup_id=pickup_id,
        collector_id=collector.organisation_id,
        collector_role="collector",
        now=now,
    )


def collect(
    session: Session, world: World, pickup: orders.PickupView, *, now: datetime
) -> orders.Collection:
    """Assign the pickup (nearest collector) and collect it at typical weights."""
    assigned = dispatch.assign_pickup(session, actor=world.operator, pickup_id=pickup.id, now=now)
    collector = (
        world.collector_a
        if assigned.collector_id == world.collector_a.organisation_id
        else world.collector_b
    )
    quote = pricing.quote_by_id(session, pickup.quote_id)
    assert quote is not None
    units = [
        orders.DoorUnit(item.category_code, Mass(item.unit_mass_g))
        for item in quote.items
        for _ in range(item.quantity)
    ]
    return orders.collect_pickup(
        session, actor=collector, pickup_id=pickup.id, units=units, now=now
    )


def collector_of(world: World, collector_id: int | None) -> Actor:
    """The collector actor with this organisation id."""
    return (
        world.collector_a
        if collector_id == world.collector_a.organisation_id
        else world.collector_b
    )


def listed_lot(
    session: Session, world: World, *, now: datetime, price: Money = Money(480_00)
) -> exchange.LotView:
    """A household's flat TV collected, delivered to station a and listed as a lot."""
    pickup = book(session, world.household_a, now=now)
    done = collect(session, world, pickup, now=now)
    collector = collector_of(world, done.pickup.collector_id)
    exchange.receive_at_station(
        session,
        actor=world.station_a,
        collector_id=collector.organisation_id,
        unit_codes=list(done.unit_codes),
        now=now,
    )
    return exchange.create_lot(
        session, actor=world.station_a, unit_codes=list(done.unit_codes), price=price, now=now
    )


def door_mass(grams: int) -> Mass:
    """A mass read off the collector's scale."""
    return Mass(grams)
