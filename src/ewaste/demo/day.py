"""A simulated day in the demo city: every step of the chain, through the real services.

Each action is its own transaction, as it would be as a request from a phone or a
page, so the day exercises the same commits, locks and checks as real traffic.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from ewaste import analytics, catalog, custody, dispatch, exchange, identity, orders, pricing
from ewaste.catalog.datafiles import catalogue
from ewaste.compliance import expected_composition, record_dismantling
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.demo.city import City
from ewaste.demo.money import settle_the_day
from ewaste.identity import Actor
from ewaste.kernel.clock import FrozenClock, china_day
from ewaste.kernel.geo import haversine_m
from ewaste.kernel.quantities import Mass
from ewaste.worker import JOBS, Job, run_due_jobs

Progress = Callable[[str, int, int], None]

BRANDED_SHARE: Final = 0.6
"""Share of the items a household names a mapped demo brand for (the rest: no brand)."""


@dataclass(frozen=True, slots=True)
class Nameplate:
    """What the plant reads off a unit: the brand and the size and type the household gave."""

    brand: str
    attributes: Mapping[str, object]


# What households put out, by relative frequency (phones and small IT dominate by count).
ITEM_WEIGHTS: dict[str, int] = {
    "mobile_phone": 22,
    "laptop": 8,
    "tablet": 6,
    "desktop": 6,
    "monitor": 6,
    "tv_flat": 10,
    "tv_crt": 5,
    "refrigerator": 8,
    "washing_machine": 8,
    "air_conditioner": 7,
    "printer": 4,
    "range_hood": 3,
    "electric_water_heater": 3,
    "gas_water_heater": 2,
    "fixed_telephone": 2,
}

RECOVERED_BP: Final = 9_700
"""A demo plant recovers 97 % of a unit's door mass as its expected fractions (the rest is
dust, moisture and losses), which the output check accepts."""
OUTLIER_SHARE: Final = 0.05
DEMO_JOBS: Final = tuple(job for job in JOBS if job.name != "plan_city_routes")
"""The worker's jobs but its own city plan: the demo's operator plans the day once, with a
short search (CITY_PLAN_SECONDS), instead of the worker's every half hour of demo time."""
CITY_PLAN_SECONDS: Final = 3.0
"""Search time of the operator's city plan in the demo (a real city: `ewaste pickups
plan-routes`, 30 s on every core by default)."""
"""Share of units dismantled with the rough profiles below instead: the check flags most
of them, so the regulator's review queue has work in the demo."""

# Rough output profile per category: share of door mass per fraction (estimates for the
# simulation's outliers only; the output check compares against real composition data).
OUTPUT_PROFILES: dict[str, dict[str, int]] = {
    "tv_crt": {
        "crt_glass": 5500,
        "ferrous": 1000,
        "copper": 400,
        "plastics": 2000,
        "circuit_boards": 600,
        "other": 200,
    },
    "refrigerator": {
        "ferrous": 5000,
        "plastics": 2000,
        "compressor": 1800,
        "foam": 900,
        "refrigerant": 20,
        "oil": 30,
        "copper": 200,
    },
    "air_conditioner": {
        "ferrous": 3000,
        "copper": 1800,
        "aluminium": 1000,
        "compressor": 3300,
        "plastics": 700,
        "refrigerant": 40,
        "circuit_boards": 100,
    },
}
DEFAULT_PROFILE: dict[str, int] = {
    "ferrous": 4000,
    "plastics": 3000,
    "copper": 800,
    "aluminium": 600,
    "circuit_boards": 600,
    "glass": 500,
    "other": 200,
}


@dataclass(frozen=True, slots=True)
class DaySummary:
    """What the day did, plus the platform overview at its end."""

    quotes: int
    pickups: int
    collected: int
    lots: int
    overview: analytics.Overview
    certificates: int = 0
    payouts_batched: int = 0
    city_plan: dispatch.CityPlan | None = None
    """The operator's plan of the day's routes across collectors, after the first round."""


def simulate_day(
    factory: sessionmaker[Session],
    *,
    city: City,
    clock: FrozenClock,
    settings: Settings,
    rng: random.Random,
    progress: Progress | None = None,
    jobs: tuple[Job, ...] = DEMO_JOBS,
) -> DaySummary:
    """Run one day: quotes and bookings, dispatch, door collection, station intake, lots,
    sale, shipment, reception, dismantling (with brand and attributes) and the
    households' certificates of recycling; then the option pool, withdrawals and the first
    bank batch (`demo.money`). The clock moves through the day; the worker runs `jobs`
    between the rounds (bench/city_plan_churn.py adds the worker's own city plan)."""
    report = progress or (lambda phase, done, total: None)
    start = clock.now()
    pickups = _book(factory, city, clock, settings, rng, report)
    nameplates: dict[str, Nameplate] = {}
    collected, city_plan = _collect(factory, city, clock, rng, report, nameplates, jobs)
    clock.set(start + timedelta(hours=10))
    lots = _sell(factory, city, clock, report)
    clock.set(start + timedelta(hours=24))
    dismantled = _receive_and_dismantle(factory, city, clock, settings, rng, report, nameplates)
    certificates = _certify(factory, city, clock, settings, dismantled, report)
    run_due_jobs(factory, clock, jobs=jobs)
    batched = settle_the_day(factory, city, clock)
    with transaction(factory) as session:
        overview = analytics.overview(session)
    return DaySummary(
        len(city.households), pickups, collected, lots, overview, certificates, batched, city_plan
    )


def _book(
    factory: sessionmaker[Session],
    city: City,
    clock: FrozenClock,
    settings: Settings,
    rng: random.Random,
    report: Progress,
) -> int:
    codes, weights = list(ITEM_WEIGHTS), list(ITEM_WEIGHTS.values())
    booked = 0
    day_start = clock.now()
    for index, household in enumerate(city.households, start=1):
        kinds = sorted(set(rng.choices(codes, weights=weights, k=rng.choice((1, 1, 1, 2)))))
        with transaction(factory) as session:
            quote = pricing.create_quote(
                session,
                actor=household,
                now=clock.now(),
                items=[_random_item(k, rng, city.brands) for k in kinds],
                valid_for=timedelta(minutes=settings.quote_valid_minutes),
            )
            if rng.random() < 0.9:  # a few households only ask for a price
                street, home = city.household_homes[household.organisation_id]
                window_start = day_start + timedelta(hours=1 + 2 * rng.randrange(4))
                orders.book_pickup(
                    session,
                    actor=household,
                    quote_id=quote.id,
                    address=street,
                    location=home,
                    window=orders.TimeWindow(window_start, window_start + timedelta(hours=2)),
                    contact_name=f"住户{index:03d}",
                    contact_phone=f"138{rng.randrange(10**8):08d}",
                    now=clock.now(),
                )
                booked += 1
        report("quotes and bookings", index, len(city.households))
    return booked


def _collect(
    factory: sessionmaker[Session],
    city: City,
    clock: FrozenClock,
    rng: random.Random,
    report: Progress,
    nameplates: dict[str, Nameplate],
    jobs: tuple[Job, ...],
) -> tuple[int, dispatch.CityPlan]:
    collected = 0
    city_plan = None
    for round_number in range(1, 7):
        clock.advance(timedelta(minutes=50))
        run_due_jobs(factory, clock, jobs=jobs)  # dispatch assigns waiting pickups
        if city_plan is None:
            # The operator plans the day's routes across collectors once the morning's
            # pickups are given out: stops move to whichever route takes them for fewest km.
            with transaction(factory) as session:
                city_plan = dispatch.plan_routes(
                    session,
                    actor=city.operator,
                    day=china_day(clock.now()),
                    now=clock.now(),
                    seconds=CITY_PLAN_SECONDS,
                )
        for done, collector in enumerate(city.collectors, start=1):
            collected += _collector_round(factory, city, collector, clock, rng, nameplates)
            report(f"collection round {round_number}", done, len(city.collectors))
        with transaction(factory) as session:
            waiting = orders.pickups_for(session, actor=city.operator, status="requested")
        if not waiting:
            break
    assert city_plan is not None
    return collected, city_plan


def _collector_round(
    factory: sessionmaker[Session],
    city: City,
    collector: Actor,
    clock: FrozenClock,
    rng: random.Random,
    nameplates: dict[str, Nameplate],
) -> int:
    with transaction(factory) as session:
        jobs = orders.pickups_for(session, actor=collector, status="assigned")
    for job in sorted(jobs, key=lambda p: (p.window_start, p.id)):
        clock.set(max(clock.now(), job.window_start + timedelta(minutes=rng.randrange(5, 90))))
        with transaction(factory) as session:
            quote = pricing.quote_by_id(session, job.quote_id)
            assert quote is not None
            units = []
            plates = []
            for item in quote.items:
                for _ in range(item.quantity):
                    grams = max(1, round(item.unit_mass_g * rng.uniform(0.9, 1.1)))
                    units.append(orders.DoorUnit(item.category_code, Mass(grams)))
                    plates.append(Nameplate(item.producer, dict(item.attributes)))
            done = orders.collect_pickup(
                session,
                actor=collector,
                pickup_id=job.id,
                units=units,
                now=clock.now(),
                evidence=f"photo:demo:{job.id}",
            )
            nameplates.update(zip(done.unit_codes, plates, strict=True))
    with transaction(factory) as session:
        carried = custody.units_held_by(
            session, collector.organisation_id, status=custody.UnitStatus.WITH_COLLECTOR.value
        )
        if carried:
            station = _nearest_station(city, collector.organisation_id, session)
            exchange.receive_at_station(
                session,
                actor=station,
                collector_id=collector.organisation_id,
                unit_codes=[u.code for u in carried],
                now=clock.now(),
            )
    return len(jobs)


def _nearest_station(city: City, collector_id: int, session: Session) -> Actor:
    row = identity.organisation_row(session, collector_id)
    assert row is not None
    assert row.location is not None
    base = row.location
    return min(
        city.stations, key=lambda s: haversine_m(city.station_sites[s.organisation_id], base)
    )


def _sell(factory: sessionmaker[Session], city: City, clock: FrozenClock, report: Progress) -> int:
    made = 0
    for done, station in enumerate(city.stations, start=1):
        with transaction(factory) as session:
            held = custody.units_held_by(
                session, station.organisation_id, status=custody.UnitStatus.AT_STATION.value
            )
            by_category: dict[str, list[str]] = defaultdict(list)
            for unit in held:
                by_category[unit.category_code].append(unit.code)
            for category_code, codes in sorted(by_category.items()):
                price = catalog.category(session, category_code).plant_price.times_int(len(codes))
                exchange.create_lot(
                    session, actor=station, unit_codes=codes, price=price, now=clock.now()
                )
                made += 1
        report("lots listed", done, len(city.stations))
    with transaction(factory) as session:
        listed = exchange.lots_for(session, actor=city.operator, status="listed", limit=10_000)
    for done, lot in enumerate(sorted(listed, key=lambda x: x.id), start=1):
        plant = city.plants[lot.id % len(city.plants)]
        with transaction(factory) as session:
            exchange.buy_lot(session, actor=plant, lot_id=lot.id, now=clock.now())
        station = next(s for s in city.stations if s.organisation_id == lot.station_id)
        with transaction(factory) as session:
            exchange.ship_lot(session, actor=station, lot_id=lot.id, now=clock.now())
        report("lots sold and shipped", done, len(listed))
    return made


def _receive_and_dismantle(
    factory: sessionmaker[Session],
    city: City,
    clock: FrozenClock,
    settings: Settings,
    rng: random.Random,
    report: Progress,
    nameplates: Mapping[str, Nameplate],
) -> list[tuple[str, int]]:
    """Receive every shipped lot and dismantle every received unit, reading its brand and
    size off the nameplate; return (unit code, household id) of each unit dismantled."""
    dismantled: list[tuple[str, int]] = []
    for plant in city.plants:
        with transaction(factory) as session:
            shipped = exchange.lots_for(session, actor=plant, status="shipped", limit=10_000)
        for done, lot in enumerate(shipped, start=1):
            load = round(lot.grams * rng.uniform(0.995, 1.005))
            with transaction(factory) as session:
                exchange.receive_lot(
                    session,
                    actor=plant,
                    lot_id=lot.id,
                    unit_codes=list(lot.unit_codes),
                    load_grams=load,
                    now=clock.now(),
                    tolerance_basis_points=settings.reception_weight_tolerance_basis_points,
                    fee_basis_points=settings.platform_fee_basis_points,
                )
            report(f"reception at {plant.username}", done, len(shipped))
        with transaction(factory) as session:
            held = custody.units_held_by(
                session, plant.organisation_id, status=custody.UnitStatus.AT_PLANT.value
            )
        for done, unit in enumerate(held, start=1):
            plate = nameplates.get(unit.code, Nameplate("", {}))
            fractions = _outputs(unit.category_code, unit.door_grams, plate, rng)
            with transaction(factory) as session:
                record_dismantling(
                    session,
                    actor=plant,
                    unit_code=unit.code,
                    line="L1",
                    fractions=fractions,
                    now=clock.now(),
                    evidence=f"video:demo:{unit.code}",
                    attributes=plate.attributes,
                    brand=plate.brand,
                )
            dismantled.append((unit.code, unit.household_id))
            report(f"dismantling at {plant.username}", done, len(held))
    return dismantled


def _outputs(
    category: str, door_grams: int, plate: Nameplate, rng: random.Random
) -> dict[str, int]:
    """The grams of each fraction a demo plant recovers from one unit."""
    shares: Mapping[str, int] = {}
    if rng.random() >= OUTLIER_SHARE:
        expected, _ = expected_composition(category, dict(plate.attributes))  # type: ignore[arg-type]
        shares = {f.value: bp * RECOVERED_BP // 10_000 for f, bp in expected.items()}
    if not shares:
        shares = OUTPUT_PROFILES.get(category, DEFAULT_PROFILE)
    fractions = {name: door_grams * bp // 10_000 for name, bp in shares.items()}
    return {name: grams for name, grams in fractions.items() if grams > 0} or {"other": door_grams}


def _certify(
    factory: sessionmaker[Session],
    city: City,
    clock: FrozenClock,
    settings: Settings,
    dismantled: list[tuple[str, int]],
    report: Progress,
) -> int:
    """Each household asks for the certificate of recycling of its dismantled units; then
    the worker signs them (it holds the signing key; the web does not).

    One transaction per household, as one visit to its unit pages would be."""
    signer = custody.load_signer(settings.custody_signing_key, env=settings.env)
    households: dict[int, Actor] = {int(h.organisation_id): h for h in city.households}
    by_household: dict[int, list[str]] = defaultdict(list)
    for code, household_id in dismantled:
        by_household[household_id].append(code)
    for done, (household_id, codes) in enumerate(sorted(by_household.items()), start=1):
        with transaction(factory) as session:
            for code in codes:
                custody.request_recycling_certificate(
                    session, actor=households[household_id], unit_code=code, now=clock.now()
                )
        report("certificates of recycling", done, len(by_household))
    issued = 0
    while True:
        with transaction(factory) as session:
            signed = custody.issue_requested_certificates(
                session, signer=signer, now=clock.now(), limit=500
            )
        issued += signed
        if signed < 500:
            return issued


def _random_item(code: str, rng: random.Random, brands: tuple[str, ...]) -> pricing.ItemRequest:
    """An item as a household would describe it: random attributes, mostly not working,
    often of one of the demo brands."""
    model = catalogue().models.get(code)
    attributes: dict[str, object] = {}
    for spec in model.attributes if model else ():
        if spec.kind == "choice":
            attributes[spec.name] = rng.choice(spec.choices)
        else:
            low = max(spec.minimum, int(spec.default) * 2 // 3)
            high = min(spec.maximum, int(spec.default) * 3 // 2)
            attributes[spec.name] = rng.randint(low, max(low, high))
    producer = rng.choice(brands) if brands and rng.random() < BRANDED_SHARE else ""
    return pricing.ItemRequest(
        code,
        rng.choice((1, 1, 1, 2)),
        attributes=attributes,
        works=rng.random() < 0.3,
        producer=producer,
    )
