"""Dismantling output checks through the services (flagged records stay out of claims until
a regulator reviews them), and the regulator's and producers' reports over real data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from ewaste import analytics, catalog, compliance, identity, orders, pricing
from ewaste.identity import MissingPermission
from ewaste.kernel.errors import InvalidInput
from tests.conftest import T0
from tests.factories import FUTIAN, World, build_world, collect, window
from tests.integration.compliance.claim_helpers import dismantled_unit

AT = datetime(2026, 3, 10, 4, tzinfo=UTC)  # 12:00 in China
FRIDGE = {"volume_l": 200}


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def _fridge_without_refrigerant(session: Session, world: World) -> str:
    shares, grams = compliance.expected_composition("refrigerator", FRIDGE)
    outputs = {f.value: grams * bp // 10_000 for f, bp in shares.items()}
    outputs["other"] += outputs.pop("refrigerant")
    return dismantled_unit(session, world, "refrigerator", AT, FRIDGE, fractions=outputs)


def test_a_fridge_without_refrigerant_is_flagged_and_kept_out_of_the_claim(
    session: Session, world: World
) -> None:
    good = dismantled_unit(session, world, "refrigerator", AT, FRIDGE)
    vented = _fridge_without_refrigerant(session, world)

    checks = compliance.list_checks(session, actor=world.regulator)
    assert [(c.unit_code, c.status) for c in checks] == [(vented, "flagged")]
    assert [(f.reason, f.fraction) for f in checks[0].flags] == [("not_captured", "refrigerant")]
    assert checks[0].flags[0].expected_grams == 40_790 * 24 // 10_000
    mine = compliance.list_checks(session, actor=world.plant_a)
    assert [c.unit_code for c in mine] == [vented]
    assert compliance.list_checks(session, actor=world.plant_b) == []

    claim = compliance.prepare_claim(session, actor=world.plant_a, period="2026-03", now=AT)
    assert [(line.unit_code, line.output_check) for line in claim.lines] == [(good, "passed")]
    assert [(e.unit_code, e.reason) for e in claim.exclusions] == [(vented, "output_flagged")]
    assert "refrigerant not_captured: 0 g" in claim.exclusions[0].detail


def test_a_cleared_flag_makes_the_unit_claimable_and_an_upheld_one_never(
    session: Session, world: World
) -> None:
    cleared = _fridge_without_refrigerant(session, world)
    upheld = _fridge_without_refrigerant(session, world)
    later = AT + timedelta(days=1)

    done = compliance.review_check(
        session,
        actor=world.regulator,
        unit_code=cleared,
        clear=True,
        note="sealed R600a cylinder on video seg 7",
        now=later,
    )
    assert (done.status, done.note) == ("cleared", "sealed R600a cylinder on video seg 7")
    compliance.review_check(
        session, actor=world.regulator, unit_code=upheld, clear=False, note="vented", now=later
    )
    with pytest.raises(compliance.IllegalCheckTransition):
        compliance.review_check(
            session, actor=world.regulator, unit_code=upheld, clear=True, note="again", now=later
        )

    claim = compliance.prepare_claim(session, actor=world.plant_a, period="2026-03", now=later)
    assert [(line.unit_code, line.output_check) for line in claim.lines] == [(cleared, "cleared")]
    assert [(e.unit_code, e.reason) for e in claim.exclusions] == [(upheld, "output_upheld")]
    csv_text = compliance.claim_csv(claim, {})
    assert "cleared" in csv_text.splitlines()[1]


def test_only_the_regulator_reviews_and_the_note_is_required(
    session: Session, world: World
) -> None:
    vented = _fridge_without_refrigerant(session, world)
    with pytest.raises(MissingPermission):
        compliance.review_check(
            session, actor=world.operator, unit_code=vented, clear=True, note="ok", now=AT
        )
    with pytest.raises(compliance.InvalidReviewNote):
        compliance.review_check(
            session, actor=world.regulator, unit_code=vented, clear=True, note=" ", now=AT
        )
    with pytest.raises(compliance.CheckNotFound):
        compliance.review_check(
            session, actor=world.regulator, unit_code="EWZZZZZZZZZZZZ", clear=True, note="x", now=AT
        )
    with pytest.raises(MissingPermission):
        compliance.list_checks(session, actor=world.household_a)
    assert compliance.list_checks(session, actor=world.regulator)[0].status == "flagged"


def test_a_claim_decision_needs_audit_claim_decide(session: Session, world: World) -> None:
    dismantled_unit(session, world, "refrigerator", AT, FRIDGE)
    claim = compliance.prepare_claim(session, actor=world.plant_a, period="2026-03", now=AT)
    compliance.submit_claim(session, actor=world.plant_a, claim_id=claim.id, now=AT)
    with pytest.raises(MissingPermission):
        compliance.decide_claim(
            session, actor=world.operator, claim_id=claim.id, approve=True, note="", now=AT
        )
    decided = compliance.decide_claim(
        session, actor=world.regulator, claim_id=claim.id, approve=True, note="", now=AT
    )
    assert decided.status == "approved"


def _collected_with_producer(session: Session, world: World, producer: str, n: int) -> None:
    quote = pricing.create_quote(
        session,
        actor=world.household_a,
        now=T0,
        valid_for=timedelta(hours=24),
        items=[pricing.ItemRequest("tv_flat", n, producer=producer)],
    )
    pickup = orders.book_pickup(
        session,
        actor=world.household_a,
        quote_id=quote.id,
        address="福田区深南大道1号",
        location=FUTIAN,
        window=window(T0),
        contact_name="李女士",
        contact_phone="13800138000",
        now=T0,
    )
    collect(session, world, pickup, now=T0 + timedelta(hours=2))


def test_a_producer_sees_its_brands_collected_and_dismantled(
    session: Session, world: World
) -> None:
    catalog.map_brand(
        session,
        actor=world.operator,
        name="Pearl  River",
        producer_id=world.producer.organisation_id,
        now=T0,
    )
    _collected_with_producer(session, world, "pearl river", 2)
    _collected_with_producer(session, world, "Other Brand", 1)
    dismantled_unit(session, world, "refrigerator", AT, FRIDGE, brand="PEARL RIVER")
    dismantled_unit(session, world, "refrigerator", AT, FRIDGE, brand="nobody")
    month = T0.astimezone(analytics.rules.CHINA).strftime("%Y-%m")

    report = analytics.take_back_report(
        session,
        actor=world.producer,
        producer_id=world.producer.organisation_id,
        first_month=min(month, "2026-03"),
        last_month=max(month, "2026-03"),
    )
    assert [b.name for b in report.brands] == ["Pearl River"]
    got = {(r.category, r.month): (r.collected_units, r.dismantled_units) for r in report.rows}
    assert got == {("tv_flat", month): (2, 0), ("refrigerator", "2026-03"): (0, 1)}
    assert "Pearl River,refrigerator,2026-03,0,1," in analytics.take_back_csv(report)

    with pytest.raises(identity.OrganisationNotFound):
        analytics.take_back_report(
            session,
            actor=world.producer,
            producer_id=world.plant_a.organisation_id,
            first_month="2026-03",
            last_month="2026-03",
        )
    with pytest.raises(identity.OrganisationNotFound):
        analytics.take_back_report(
            session,
            actor=world.regulator,
            producer_id=world.plant_a.organisation_id,
            first_month="2026-03",
            last_month="2026-03",
        )
    with pytest.raises(MissingPermission):
        analytics.take_back_report(
            session,
            actor=world.plant_a,
            producer_id=world.producer.organisation_id,
            first_month="2026-03",
            last_month="2026-03",
        )


def test_brands_are_mapped_once_and_to_producers_only(session: Session, world: World) -> None:
    producer = world.producer.organisation_id
    catalog.map_brand(
        session, actor=world.operator, name="Pearl River", producer_id=producer, now=T0
    )
    with pytest.raises(catalog.BrandTaken):
        catalog.map_brand(
            session, actor=world.operator, name=" pearl  RIVER ", producer_id=producer, now=T0
        )
    with pytest.raises(catalog.NotAProducer):
        catalog.map_brand(
            session,
            actor=world.operator,
            name="X",
            producer_id=world.plant_a.organisation_id,
            now=T0,
        )
    with pytest.raises(catalog.InvalidBrand):
        catalog.map_brand(session, actor=world.operator, name="  ", producer_id=producer, now=T0)
    with pytest.raises(MissingPermission):
        catalog.map_brand(session, actor=world.producer, name="Y", producer_id=producer, now=T0)


def test_the_regulator_counts_units_and_grams_by_every_dimension(
    session: Session, world: World
) -> None:
    a = dismantled_unit(session, world, "refrigerator", AT, FRIDGE)
    dismantled_unit(session, world, "refrigerator", AT, FRIDGE)
    dismantled_unit(session, world, "tv_crt", AT + timedelta(days=30), {"screen_inch": 21})
    dismantled_unit(session, world, "refrigerator", AT, FRIDGE, side="b")
    assert a

    report = analytics.volume_report(
        session,
        actor=world.regulator,
        basis="dismantled",
        first_month="2026-03",
        last_month="2026-04",
    )
    keyed = {(r.category, r.month, r.plant_id, r.channel): (r.units, r.grams) for r in report.rows}
    shares, door = compliance.expected_composition("refrigerator", FRIDGE)
    fridge = sum(door * bp // 10_000 for bp in shares.values())
    plant_a, plant_b = world.plant_a.organisation_id, world.plant_b.organisation_id
    assert keyed[("refrigerator", "2026-03", plant_a, "other")][0] == 2
    assert keyed[("refrigerator", "2026-03", plant_b, "other")][0] == 1
    assert keyed[("tv_crt", "2026-04", plant_a, "other")][0] == 1
    assert report.units == 4
    assert keyed[("refrigerator", "2026-03", plant_a, "other")][1] == 2 * fridge

    by_category = analytics.volume_report(
        session,
        actor=world.operator,
        basis="dismantled",
        first_month="2026-03",
        last_month="2026-03",
        group_by=["category"],
    )
    assert [(r.category, r.units, r.month, r.plant_id) for r in by_category.rows] == [
        ("refrigerator", 3, "", None)
    ]
    csv_lines = analytics.volume_csv(by_category).splitlines()
    assert csv_lines[0] == "basis,months,category,units,grams"
    assert csv_lines[1].startswith("dismantled,2026-03,refrigerator,3,")

    collected = analytics.volume_report(
        session,
        actor=world.regulator,
        basis="collected",
        first_month="2026-03",
        last_month="2026-03",
        group_by=["category", "plant"],
    )
    assert {(r.category, r.plant_id): r.units for r in collected.rows} == {
        ("refrigerator", plant_a): 2,
        ("refrigerator", plant_b): 1,
    }
    assert "plant_id,plant_name" in analytics.volume_csv(collected).splitlines()[0]


def test_a_household_pickup_is_its_channel_and_a_unit_not_yet_at_a_plant_has_none(
    session: Session, world: World
) -> None:
    _collected_with_producer(session, world, "", 1)
    month = (T0 + timedelta(hours=2)).astimezone(analytics.rules.CHINA).strftime("%Y-%m")
    report = analytics.volume_report(
        session, actor=world.regulator, basis="collected", first_month=month, last_month=month
    )
    assert [(r.channel, r.plant_id, r.province, r.units) for r in report.rows] == [
        ("household_pickup", None, "", 1)
    ]


@pytest.mark.parametrize(
    ("basis", "first", "last", "group_by"),
    [
        ("weighed", "2026-01", "2026-02", ()),
        ("dismantled", "2026-13", "2026-12", ()),
        ("dismantled", "2026-03", "2026-01", ()),
        ("dismantled", "2020-01", "2026-01", ()),
        ("dismantled", "2026-01", "2026-02", ("colour",)),
    ],
)
def test_bad_report_parameters_are_refused(
    session: Session, world: World, basis: str, first: str, last: str, group_by: tuple[str, ...]
) -> None:
    with pytest.raises(InvalidInput):
        analytics.volume_report(
            session,
            actor=world.regulator,
            basis=basis,
            first_month=first,
            last_month=last,
            group_by=group_by,
        )


def test_only_auditors_read_volumes(session: Session, world: World) -> None:
    with pytest.raises(MissingPermission):
        analytics.volume_report(
            session,
            actor=world.plant_a,
            basis="dismantled",
            first_month="2026-01",
            last_month="2026-01",
        )
