"""Shenzhen as a demo city: districts at their real coordinates, every role, funded accounts.

District centres are the districts' government seats (approximate, WGS-84). Households
are scattered within about 3 km of a district centre.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ewaste import catalog, dispatch, exchange, identity, ledger, pricing
from ewaste.identity import Role
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.ids import OrganisationId, UserId
from ewaste.kernel.money import Money

DEMO_PASSWORD = "ewaste-demo-2026"  # noqa: S105 - printed for the demo, not a secret

# (English, Chinese, latitude, longitude, relative population weight)
DISTRICTS: tuple[tuple[str, str, float, float, int], ...] = (
    ("Futian", "福田区", 22.5223, 114.0553, 15),
    ("Luohu", "罗湖区", 22.5484, 114.1316, 10),
    ("Nanshan", "南山区", 22.5329, 113.9305, 16),
    ("Yantian", "盐田区", 22.5578, 114.2363, 2),
    ("Bao'an", "宝安区", 22.5553, 113.8830, 25),
    ("Longgang", "龙岗区", 22.7200, 114.2470, 23),
    ("Longhua", "龙华区", 22.6564, 114.0450, 14),
    ("Pingshan", "坪山区", 22.6909, 114.3461, 3),
    ("Guangming", "光明区", 22.7489, 113.9360, 6),
    ("Dapeng", "大鹏新区", 22.5940, 114.4790, 1),
)

# Stations sit in the four largest districts; plants on the city's industrial edge.
STATION_DISTRICTS = ("Bao'an", "Longgang", "Nanshan", "Longhua")
PLANTS = (
    ("Shenzhen Green Dismantling Co.", "深圳绿色拆解有限公司", 22.7330, 113.8350),
    ("Pingshan Resource Recovery Co.", "坪山资源再生有限公司", 22.7080, 114.3700),
)

# Fictional producers and their brands (ILLUSTRATIVE: no real company or brand). The first
# producer's name is also a brand, so the demo producer bonus of
# catalog/data/producer_bonuses.csv applies to its items.
PRODUCERS = (
    ("producer", "Pearl River Appliances", "珠江家电"),
    ("producer2", "Lingnan Electronics", "岭南电子"),
)
BRANDS = (
    ("Pearl River Appliances", "珠江家电", 0),
    ("Kapok", "木棉", 0),
    ("Lingnan", "岭南", 1),
    ("Nanhai", "南海", 1),
)
"""(brand, Chinese name, index into PRODUCERS): brands mapped to their producer."""

FLOAT_COLLECTOR = Money(2_000_000)  # ¥20,000 working float: a busy round pays many doors
FLOAT_STATION = Money(20_000_000)  # ¥200,000 per station
FLOAT_PLANT = Money(500_000_000)  # ¥5,000,000 per plant


@dataclass
class City:
    """Who lives in the demo city, by role, as actors the simulation can act for."""

    operator: identity.Actor
    regulator: identity.Actor
    producer: identity.Actor
    households: list[identity.Actor] = field(default_factory=list)
    household_homes: dict[int, tuple[str, GeoPoint]] = field(default_factory=dict)
    collectors: list[identity.Actor] = field(default_factory=list)
    stations: list[identity.Actor] = field(default_factory=list)
    station_sites: dict[int, GeoPoint] = field(default_factory=dict)
    plants: list[identity.Actor] = field(default_factory=list)
    producers: list[identity.Actor] = field(default_factory=list)
    """Every producer (the first is `producer`), each with brands mapped to it."""
    brands: tuple[str, ...] = ()
    """The mapped brand names, as households name them on a quote."""
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    """(role, username, organisation) for printing."""


def build_city(
    session: Session,
    *,
    now: datetime,
    rng: random.Random,
    households: int = 500,
    collectors: int = 30,
    stations: int = 4,
) -> City:
    """Create the catalogue, every organisation and user, collector vehicles, and deposits.

    Runs inside the caller's transaction. Raises UsernameTaken when the city exists.
    """
    catalog.load_catalogue(session)
    pricing.load_seed_prices(session, now=now)
    shared_hash = identity.hash_password(DEMO_PASSWORD)

    def person(
        role: Role,
        username: str,
        name: str,
        name_zh: str,
        *,
        district: str = "",
        address: str = "",
        at: GeoPoint | None = None,
    ) -> identity.Actor:
        org = identity.register_organisation(
            session,
            role=role,
            name=name,
            name_zh=name_zh,
            district=district,
            address=address,
            location=at,
            now=now,
        )
        user = identity.register_user(
            session,
            organisation_id=OrganisationId(org.id),
            username=username,
            password=DEMO_PASSWORD,
            password_hash=shared_hash,
            display_name=name,
            now=now,
        )
        logins.append((role.value, username, name_zh or name))
        return identity.actor_for_user(session, user_id=UserId(user.id))

    logins: list[tuple[str, str, str]] = []
    city = City(
        operator=person(Role.OPERATOR, "operator", "Platform operations", "平台运营"),
        regulator=person(
            Role.REGULATOR,
            "regulator",
            "Shenzhen Ecology and Environment Bureau",
            "深圳市生态环境局",
        ),
        producer=person(Role.PRODUCER, *PRODUCERS[0]),
        logins=logins,
    )
    city.producers = [city.producer] + [person(Role.PRODUCER, *p) for p in PRODUCERS[1:]]
    for brand, brand_zh, owner in BRANDS:
        catalog.map_brand(
            session,
            actor=city.operator,
            name=brand,
            name_zh=brand_zh,
            producer_id=city.producers[owner].organisation_id,
            now=now,
        )
    city.brands = tuple(b[0] for b in BRANDS)

    for index, district in enumerate(STATION_DISTRICTS[:stations], start=1):
        en, zh, lat, lon, _ = _district(district)
        site = _scatter(rng, lat, lon, 2.0)
        actor = person(
            Role.STATION,
            f"station{index}",
            f"{en} recycling station",
            f"{zh}回收站",
            district=en,
            at=site,
        )
        city.stations.append(actor)
        city.station_sites[actor.organisation_id] = site
    for index, (name, name_zh, lat, lon) in enumerate(PLANTS, start=1):
        city.plants.append(
            person(Role.PLANT, f"plant{index}", name, name_zh, at=GeoPoint(lat, lon))
        )
    weights = [d[4] for d in DISTRICTS]
    for index in range(1, collectors + 1):
        en, zh, lat, lon, _ = rng.choices(DISTRICTS, weights=weights)[0]
        base = _scatter(rng, lat, lon, 3.0)
        actor = person(
            Role.COLLECTOR,
            f"collector{index:02d}",
            f"Collector {index:02d} ({en})",
            f"回收员{index:02d}（{zh}）",
            district=en,
            at=base,
        )
        van = index % 2 == 0
        # Every collector carries refrigerant-bearing appliances intact and takes air
        # conditioners off the wall; van drivers (half the fleet) handle heavy items.
        skills = {"refrigerant", "air_conditioner_removal"}
        if van:
            skills.add("heavy")
        dispatch.register_collector(
            session,
            organisation_id=actor.organisation_id,
            vehicle=dispatch.Vehicle.VAN if van else dispatch.Vehicle.TRICYCLE,
            capacity_grams=2_000_000 if van else 600_000,
            badge=f"SZ-{index:04d}",
            skills=frozenset(skills),
        )
        city.collectors.append(actor)
    for index in range(1, households + 1):
        en, zh, lat, lon, _ = rng.choices(DISTRICTS, weights=weights)[0]
        home = _scatter(rng, lat, lon, 3.0)
        street = f"{zh}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋{rng.randint(101, 2808)}"
        actor = person(
            Role.HOUSEHOLD,
            f"household{index:03d}",
            f"Household {index:03d}",
            f"住户{index:03d}",
            district=en,
            address=street,
            at=home,
        )
        city.households.append(actor)
        city.household_homes[actor.organisation_id] = (street, home)

    for actors, amount in (
        (city.collectors, FLOAT_COLLECTOR),
        (city.stations, FLOAT_STATION),
        (city.plants, FLOAT_PLANT),
    ):
        for actor in actors:
            ledger.record_deposit(
                session,
                actor=city.operator,
                organisation_id=actor.organisation_id,
                amount=amount,
                bank_reference=f"demo-float-{actor.organisation_id}",
                now=now,
            )
    _license_plants(session, city, now=now)
    return city


PLANT_ANNUAL_UNITS = 200_000
"""Licensed annual capacity per category of each demo plant, units."""


def _license_plants(session: Session, city: City, *, now: datetime) -> None:
    """Every demo plant holds a licence for every category and has passed its assessment,
    so the demo chain sells lots through the exchange's eligibility check."""
    codes = [c.code for c in catalog.categories(session)]
    every_item_met = {item: True for items in exchange.CHECKLIST.values() for item in items}
    for index, plant in enumerate(city.plants, start=1):
        exchange.record_licence(
            session,
            actor=city.operator,
            plant_id=plant.organisation_id,
            number=f"粤环拆解证-{now.year}-{index:03d}",
            province="广东",
            annual_units=dict.fromkeys(codes, PLANT_ANNUAL_UNITS),
            valid_from=date(now.year, 1, 1),
            valid_to=date(now.year + 4, 12, 31),
            now=now,
        )
        assessment = exchange.record_assessment(
            session,
            actor=city.operator,
            plant_id=plant.organisation_id,
            answers=every_item_met,
            now=now,
        )
        exchange.review_assessment(
            session,
            actor=city.operator,
            assessment_id=assessment.id,
            passed=True,
            note="demo: site visit passed",
            now=now,
        )


def _district(name: str) -> tuple[str, str, float, float, int]:
    return next(d for d in DISTRICTS if d[0] == name)


def _scatter(rng: random.Random, lat: float, lon: float, radius_km: float) -> GeoPoint:
    """A point uniformly inside a circle of `radius_km` around (lat, lon)."""
    distance = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return GeoPoint(round(lat + dlat, 6), round(lon + dlon, 6))
