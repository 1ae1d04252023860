"""Subsidy claims: the rate in force on each unit's dismantling date, the size and type
conditions, once per unit ever, totals in whole fen, CSV and PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste import compliance
from ewaste.custody.models import CustodyEvent
from tests.conftest import T0
from tests.factories import World, build_world
from tests.integration.compliance.claim_helpers import dismantled_unit


def china_noon(y: int, m: int, d: int) -> datetime:
    """12:00 in China (04:00 UTC) on that day."""
    return datetime(y, m, d, 4, 0, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def _rates(claim: compliance.ClaimView) -> dict[str, int]:
    return {line.unit_code: line.rate_fen for line in claim.lines}


def test_the_rate_changes_on_2016_01_01_for_the_same_kind_of_unit(
    session: Session, world: World
) -> None:
    before = dismantled_unit(
        session, world, "refrigerator", china_noon(2015, 12, 31), {"volume_l": 200}
    )
    after = dismantled_unit(
        session, world, "refrigerator", china_noon(2016, 1, 1), {"volume_l": 200}
    )
    dec = compliance.prepare_claim(session, actor=world.plant_a, period="2015-12", now=T0)
    jan = compliance.prepare_claim(session, actor=world.plant_a, period="2016-01", now=T0)
    assert _rates(dec) == {before: 80_00}
    assert _rates(jan) == {after: 80_00}
    assert jan.lines[0].schedule_from.isoformat() == "2016-01-01"
    assert dec.lines[0].schedule_from.isoformat() == "2012-07-01"
    tv_before = dismantled_unit(session, world, "tv_flat", china_noon(2015, 11, 30))
    tv_after = dismantled_unit(session, world, "tv_flat", china_noon(2016, 2, 1))
    q4 = compliance.prepare_claim(session, actor=world.plant_a, period="2015-Q4", now=T0)
    q1 = compliance.prepare_claim(session, actor=world.plant_a, period="2016-Q1", now=T0)
    assert _rates(q4) == {tv_before: 85_00}
    assert _rates(q1) == {tv_after: 70_00}


def test_the_rate_changes_on_2021_04_01_china_time(session: Session, world: World) -> None:
    # 2021-03-31 23:30 China time is 15:30 UTC: still the 2016 schedule.
    late_march = dismantled_unit(
        session, world, "refrigerator", datetime(2021, 3, 31, 15, 30, tzinfo=UTC), {"volume_l": 200}
    )
    # 2021-04-01 00:30 China time is 16:30 UTC on 31 March: already the 2021 schedule.
    early_april = dismantled_unit(
        session, world, "refrigerator", datetime(2021, 3, 31, 16, 30, tzinfo=UTC), {"volume_l": 200}
    )
    march = compliance.prepare_claim(session, actor=world.plant_a, period="2021-03", now=T0)
    april = compliance.prepare_claim(session, actor=world.plant_a, period="2021-04", now=T0)
    assert _rates(march) == {late_march: 80_00}
    assert _rates(april) == {early_april: 55_00}


def test_size_and_type_conditions_exclude_units_with_the_reason(
    session: Session, world: World
) -> None:
    at = china_noon(2022, 5, 10)
    small_crt = dismantled_unit(session, world, "tv_crt", at, {"screen_inch": 12})
    crt = dismantled_unit(session, world, "tv_crt", at, {"screen_inch": 21})
    big_crt = dismantled_unit(session, world, "tv_crt", at, {"screen_inch": 29})
    small_fridge = dismantled_unit(session, world, "refrigerator", at, {"volume_l": 40})
    small_washer = dismantled_unit(
        session, world, "washing_machine", at, {"type": "drum", "capacity_kg": 3}
    )
    washer = dismantled_unit(
        session, world, "washing_machine", at, {"type": "drum", "capacity_kg": 7}
    )
    unknown = dismantled_unit(session, world, "refrigerator", at)
    tablet = dismantled_unit(session, world, "tablet", at)
    claim = compliance.prepare_claim(session, actor=world.plant_a, period="2022-05", now=T0)
    assert _rates(claim) == {crt: 40_00, big_crt: 45_00, washer: 30_00}
    reasons = {e.unit_code: e.reason for e in claim.exclusions}
    assert reasons == {
        small_crt: "outside_conditions",
        small_fridge: "outside_conditions",
        small_washer: "outside_conditions",
        unknown: "attributes_unknown",
        tablet: "no_schedule",
    }
    assert claim.total_fen == sum(line.rate_fen for line in claim.lines) == 115_00
    assert claim.by_category() == {"tv_crt": (2, 85_00), "washing_machine": (1, 30_00)}


def test_a_unit_is_never_claimed_twice(session: Session, world: World) -> None:
    code = dismantled_unit(session, world, "tv_flat", china_noon(2023, 6, 1))
    first = compliance.prepare_claim(session, actor=world.plant_a, period="2023-06", now=T0)
    assert [line.unit_code for line in first.lines] == [code]
    with pytest.raises(compliance.NothingToClaim):
        compliance.prepare_claim(session, actor=world.plant_a, period="2023-Q2", now=T0)


def test_the_unique_constraint_refuses_a_second_line_for_a_unit(
    session: Session, world: World
) -> None:
    """Even if the unclaimed-units query is bypassed (as a parallel claim would be)."""
    from ewaste.compliance.claim_rules import parse_period
    from ewaste.compliance.repository import ClaimRepository

    dismantled_unit(session, world, "tv_flat", china_noon(2023, 7, 1))
    bounds = parse_period("2023-07").bounds_utc()
    stale = ClaimRepository(session).unclaimed_records(world.plant_a.organisation_id, *bounds)
    compliance.prepare_claim(session, actor=world.plant_a, period="2023-07", now=T0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ClaimRepository, "unclaimed_records", lambda *_: stale)
        with pytest.raises(compliance.UnitAlreadyClaimed) as raised:
            compliance.prepare_claim(session, actor=world.plant_a, period="2023-07", now=T0)
    assert raised.value.code == "compliance.unit_already_claimed"
    assert len(compliance.list_claims(session, actor=world.plant_a)) == 1


def test_claims_are_seen_by_their_plant_and_auditors_only(session: Session, world: World) -> None:
    dismantled_unit(session, world, "laptop", china_noon(2024, 1, 5))
    claim = compliance.prepare_claim(session, actor=world.plant_a, period="2024-01", now=T0)
    assert compliance.get_claim(session, actor=world.regulator, claim_id=claim.id).id == claim.id
    with pytest.raises(compliance.ClaimNotFound):
        compliance.get_claim(session, actor=world.plant_b, claim_id=claim.id)
    assert compliance.list_claims(session, actor=world.plant_b) == []
    submitted = compliance.submit_claim(session, actor=world.plant_a, claim_id=claim.id, now=T0)
    assert submitted.status == "submitted"
    approved = compliance.decide_claim(
        session, actor=world.regulator, claim_id=claim.id, approve=True, note="ok", now=T0
    )
    assert approved.status == "approved"
    with pytest.raises(compliance.IllegalClaimTransition):
        compliance.submit_claim(session, actor=world.plant_a, claim_id=claim.id, now=T0)


def test_csv_has_one_line_per_unit_with_chain_and_evidence_and_the_pdf_renders(
    session: Session, world: World
) -> None:
    at = china_noon(2025, 3, 3)
    codes = {dismantled_unit(session, world, "tv_flat", at, evidence=f"cam:{i}") for i in range(3)}
    claim = compliance.prepare_claim(session, actor=world.plant_a, period="2025-03", now=T0)
    chains = compliance.claim_chains(session, actor=world.plant_a, claim=claim)
    rows = list(csv.DictReader(io.StringIO(compliance.claim_csv(claim, chains))))
    assert {r["unit_code"] for r in rows} == codes
    assert sum(int(r["rate_fen"]) for r in rows) == claim.total_fen == 3 * 45_00
    assert all(r["custody_chain"].count(">") == 4 and r["chain_complete"] == "yes" for r in rows)
    assert all(r["evidence"].startswith("cam:") for r in rows)
    # Each step names its link of the hash chain: what `ewaste custody verify` checks.
    links = [step.rsplit("#", 1)[1] for r in rows for step in r["custody_chain"].split(" > ")]
    stored = {(e.chain_seq, e.hash) for e in session.scalars(select(CustodyEvent))}
    assert {(int(seq), digest) for seq, digest in (link.split(":") for link in links)} <= stored
    pdf = compliance.claim_pdf(claim, chains)
    assert pdf.startswith(b"%PDF")
