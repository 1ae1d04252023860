"""Only a plant whose licence covers the category, is in force, has capacity left this year
and has passed its assessment may bid or buy; each refusal has its own code."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from ewaste import exchange, ledger
from ewaste.identity import Actor, MissingPermission
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import LONGGANG, PASSING_CHECKLIST, World, build_world, license_plant
from tests.integration.exchange.helpers import lot, new_plant


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def _plant(
    session: Session, world: World, clock: FrozenClock, name: str, **licence: object
) -> Actor:
    plant = new_plant(session, world, name, now=clock.now(), at=LONGGANG, funds=10_000_000)
    if licence.pop("licensed", True):
        license_plant(
            session, world.operator, plant, now=clock.now(), number=f"L-{name}", **licence
        )  # type: ignore[arg-type]
    return plant


INELIGIBLE = [
    pytest.param({"licensed": False}, "exchange.no_licence", id="no licence"),
    pytest.param(
        {"valid_from": date(2024, 1, 1), "valid_to": date(2025, 12, 31)},
        "exchange.licence_not_valid",
        id="licence lapsed",
    ),
    pytest.param(
        {"categories": ("washing_machine",)},
        "exchange.category_not_licensed",
        id="category not licensed",
    ),
    pytest.param({"units": 2}, "exchange.capacity_exhausted", id="capacity used up"),
    pytest.param({"assessed": False}, "exchange.assessment_not_passed", id="no passed assessment"),
]


@pytest.mark.parametrize(("licence", "code"), INELIGIBLE)
def test_an_ineligible_plant_cannot_buy_a_fixed_price_lot(
    session: Session, world: World, clock: FrozenClock, licence: dict[str, object], code: str
) -> None:
    plant = _plant(session, world, clock, "plant-x", **licence)
    if code == "exchange.capacity_exhausted":
        first = lot(session, world, now=clock.now(), count=2)
        exchange.buy_lot(session, actor=plant, lot_id=first.id, now=clock.now())
    listed = lot(session, world, now=clock.now())
    before = ledger.balance(session, ledger.Accounts.party(plant.organisation_id))
    with pytest.raises(exchange.NotEligible) as refused:
        exchange.buy_lot(session, actor=plant, lot_id=listed.id, now=clock.now())
    assert refused.value.code == code
    assert exchange.get_lot(session, actor=world.operator, lot_id=listed.id).status == "listed"
    assert ledger.balance(session, ledger.Accounts.party(plant.organisation_id)) == before


@pytest.mark.parametrize(("licence", "code"), INELIGIBLE)
def test_an_ineligible_plant_cannot_bid(
    session: Session, world: World, clock: FrozenClock, licence: dict[str, object], code: str
) -> None:
    plant = _plant(session, world, clock, "plant-x", **licence)
    if code == "exchange.capacity_exhausted":
        first = lot(session, world, now=clock.now(), count=2)
        exchange.buy_lot(session, actor=plant, lot_id=first.id, now=clock.now())
    auctioned = lot(
        session,
        world,
        now=clock.now(),
        sale=exchange.SaleMethod.AUCTION,
        closes_at=clock.now() + timedelta(hours=2),
    )
    with pytest.raises(exchange.NotEligible) as refused:
        exchange.place_bid(
            session, actor=plant, lot_id=auctioned.id, price=Money(500_00), now=clock.now()
        )
    assert refused.value.code == code


def test_an_ineligible_plant_cannot_post_a_standing_bid(
    session: Session, world: World, clock: FrozenClock
) -> None:
    plant = _plant(session, world, clock, "plant-x", assessed=False)
    with pytest.raises(exchange.AssessmentNotPassed):
        exchange.post_standing_bid(
            session,
            actor=plant,
            category="tv_flat",
            basis=exchange.PriceBasis.UNIT,
            price=Money(100_00),
            radius_km=200,
            units_per_month=100,
            now=clock.now(),
        )


def test_a_licence_not_yet_in_force_does_not_count(
    session: Session, world: World, clock: FrozenClock
) -> None:
    plant = _plant(
        session, world, clock, "plant-x", valid_from=date(2027, 1, 1), valid_to=date(2029, 1, 1)
    )
    listed = lot(session, world, now=clock.now())
    with pytest.raises(exchange.LicenceNotValid):
        exchange.buy_lot(session, actor=plant, lot_id=listed.id, now=clock.now())


def test_a_failed_review_after_a_pass_takes_the_right_to_buy_away(
    session: Session, world: World, clock: FrozenClock
) -> None:
    plant = _plant(session, world, clock, "plant-x")
    again = exchange.record_assessment(
        session,
        actor=world.operator,
        plant_id=plant.organisation_id,
        answers=PASSING_CHECKLIST,
        now=clock.now() + timedelta(days=1),
    )
    exchange.review_assessment(
        session,
        actor=world.operator,
        assessment_id=again.id,
        passed=False,
        note="refrigerant vented",
        now=clock.now() + timedelta(days=1),
    )
    listed = lot(session, world, now=clock.now())
    with pytest.raises(exchange.AssessmentNotPassed):
        exchange.buy_lot(
            session, actor=plant, lot_id=listed.id, now=clock.now() + timedelta(days=1)
        )


def test_an_eligible_plant_buys_and_gets_a_contract_and_pays_into_escrow(
    session: Session, world: World, clock: FrozenClock
) -> None:
    listed = lot(session, world, now=clock.now())
    escrow = ledger.balance(session, ledger.Accounts.ESCROW)
    sold = exchange.buy_lot(session, actor=world.plant_a, lot_id=listed.id, now=clock.now())
    assert sold.status == "sold"
    [contract] = exchange.contracts_for(session, actor=world.plant_a)
    assert (contract.lot_id, contract.method, contract.price) == (
        listed.id,
        "fixed_price",
        Money(480_00),
    )
    assert contract.unit_count == 1
    assert "within 7 days" in contract.delivery_terms
    assert ledger.balance(session, ledger.Accounts.ESCROW) == escrow + Money(480_00)
    assert ledger.is_balanced(session)


def test_capacity_report_counts_contracted_units(
    session: Session, world: World, clock: FrozenClock
) -> None:
    plant = _plant(
        session, world, clock, "plant-x", units=10, categories=("tv_flat", "refrigerator")
    )
    bought = lot(session, world, now=clock.now(), count=3)
    exchange.buy_lot(session, actor=plant, lot_id=bought.id, now=clock.now())
    report = exchange.plant_capacity(
        session, actor=world.operator, plant_id=plant.organisation_id, now=clock.now()
    )
    lines = {
        line.category_code: (line.licensed_units, line.used_units, line.idle_units)
        for line in report.lines
    }
    assert lines == {"refrigerator": (10, 0, 10), "tv_flat": (10, 3, 7)}
    assert report.assessment_passed
    with pytest.raises(exchange.PlantNotFound):
        exchange.plant_capacity(
            session, actor=world.plant_b, plant_id=plant.organisation_id, now=clock.now()
        )


def test_only_operators_record_licences_and_a_passing_review_needs_a_passing_score(
    session: Session, world: World, clock: FrozenClock
) -> None:
    with pytest.raises(MissingPermission):
        exchange.record_licence(
            session,
            actor=world.plant_a,
            plant_id=world.plant_a.organisation_id,
            number="self-made",
            province="广东",
            annual_units={"tv_flat": 10},
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 12, 31),
            now=clock.now(),
        )
    poor = dict.fromkeys(PASSING_CHECKLIST, False)
    recorded = exchange.record_assessment(
        session,
        actor=world.operator,
        plant_id=world.plant_b.organisation_id,
        answers=poor,
        now=clock.now(),
    )
    assert recorded.total == 0
    assert recorded.status == "submitted"
    with pytest.raises(exchange.ScoreTooLow):
        exchange.review_assessment(
            session,
            actor=world.operator,
            assessment_id=recorded.id,
            passed=True,
            note="",
            now=clock.now(),
        )
    with pytest.raises(exchange.LicenceNumberTaken):
        license_plant(session, world.operator, world.plant_b, now=clock.now(), number="粤拆解-0001")
    with pytest.raises(exchange.NotAPlant):
        license_plant(session, world.operator, world.station_a, now=clock.now(), number="X-1")
