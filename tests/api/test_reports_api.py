"""The regulator's volume report and a producer's take-back report over HTTP, as JSON
and as CSV; a flagged dismantling record listed and reviewed over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import compliance
from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import build_world
from tests.integration.compliance.claim_helpers import dismantled_unit

AT = datetime(2026, 3, 10, 4, tzinfo=UTC)
MONTHS = {"first": "2026-03", "last": "2026-03"}


def test_volumes_as_json_and_csv_and_a_flag_reviewed_over_http(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    dismantled_unit(session, world, "refrigerator", AT, {"volume_l": 200}, brand="Pearl River")
    shares, grams = compliance.expected_composition("refrigerator", {"volume_l": 200})
    outputs = {
        f.value: grams * bp // 10_000 for f, bp in shares.items() if f.value != "refrigerant"
    }
    flagged = dismantled_unit(
        session, world, "refrigerator", AT, {"volume_l": 200}, fractions=outputs
    )
    session.commit()
    reg, op, prod = (
        token(app_client, "reg"),
        token(app_client, "operator"),
        token(app_client, "prod"),
    )

    answer = app_client.get(
        "/api/reports/volumes", headers=reg, params={**MONTHS, "group_by": ["category", "month"]}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["units"], body["group_by"]) == (2, ["category", "month"])
    assert [(r["category"], r["month"], r["units"]) for r in body["rows"]] == [
        ("refrigerator", "2026-03", 2)
    ]
    as_csv = app_client.get("/api/reports/volumes", headers=reg, params={**MONTHS, "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0] == (
        "basis,months,category,province,month,channel,plant_id,plant_name,units,grams"
    )
    bad = app_client.get(
        "/api/reports/volumes", headers=reg, params={"first": "2026-03", "last": "2025-03"}
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "analytics.invalid_month_range")

    brand = app_client.post(
        "/api/brands",
        headers=op,
        json={"name": "Pearl River", "producer_id": world.producer.organisation_id},
    )
    assert brand.status_code == 201, brand.text
    take_back = app_client.get(
        f"/api/reports/producers/{world.producer.organisation_id}", headers=prod, params=MONTHS
    )
    assert [(r["brand"], r["dismantled_units"]) for r in take_back.json()["rows"]] == [
        ("Pearl River", 1)
    ]

    listed = app_client.get("/api/dismantling-checks", headers=reg).json()
    assert [(c["unit_code"], c["status"]) for c in listed] == [(flagged, "flagged")]
    assert listed[0]["flags"][0]["reason"] == "not_captured"
    reviewed = app_client.post(
        f"/api/dismantling-checks/{flagged}/review",
        headers=reg,
        json={"clear": False, "note": "no recovery cylinder on the video"},
    )
    assert reviewed.json()["status"] == "upheld", reviewed.text
    again = app_client.post(
        f"/api/dismantling-checks/{flagged}/review", headers=reg, json={"clear": True, "note": "x"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "compliance.illegal_check_transition")
