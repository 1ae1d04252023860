"""A plant files a subsidy claim over HTTP, downloads it as CSV and PDF, submits it, and the
regulator approves it; a second claim of the same units is refused with a stable code."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import build_world
from tests.integration.compliance.claim_helpers import dismantled_unit, received_unit


def test_a_plant_files_a_claim_and_the_regulator_approves_it(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    at = datetime(2021, 3, 15, 4, tzinfo=UTC)
    codes = {
        dismantled_unit(session, world, "tv_crt", at, {"screen_inch": 21}),
        dismantled_unit(session, world, "tv_crt", at, {"screen_inch": 29}),
    }
    small = dismantled_unit(session, world, "tv_crt", at, {"screen_inch": 12})
    session.commit()
    plant, reg = token(app_client, "plant-a"), token(app_client, "reg")

    made = app_client.post("/api/claims", headers=plant, json={"period": "2021-Q1"})
    assert made.status_code == 201, made.text
    claim = made.json()
    assert {line["unit_code"] for line in claim["lines"]} == codes
    assert claim["total_fen"] == 60_00 + 70_00 == sum(x["rate_fen"] for x in claim["lines"])
    assert claim["by_category"] == {"tv_crt": {"units": 2, "fen": 130_00}}
    assert [(e["unit_code"], e["reason"]) for e in claim["exclusions"]] == [
        (small, "outside_conditions")
    ]

    again = app_client.post("/api/claims", headers=plant, json={"period": "2021-03"})
    assert again.status_code == 409
    assert again.json()["code"] == "compliance.nothing_to_claim"

    got = app_client.get(f"/api/claims/{claim['id']}/csv", headers=reg)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert {r["unit_code"] for r in rows} == codes
    pdf = app_client.get(f"/api/claims/{claim['id']}/pdf", headers=plant)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")

    bad = app_client.post("/api/claims", headers=plant, json={"period": "2021-Q5"})
    assert bad.status_code == 422
    submitted = app_client.post(f"/api/claims/{claim['id']}/submit", headers=plant)
    assert submitted.json()["status"] == "submitted"
    decided = app_client.post(
        f"/api/claims/{claim['id']}/decision", headers=reg, json={"approve": True}
    )
    assert decided.json()["status"] == "approved"
    listed = app_client.get("/api/claims", headers=reg).json()
    assert [c["id"] for c in listed] == [claim["id"]]


def test_a_plant_records_a_units_size_over_http_and_the_claim_reads_it(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    at = datetime(2021, 3, 15, 4, tzinfo=UTC)
    code = received_unit(session, world, "tv_crt", at)
    session.commit()
    plant = token(app_client, "plant-a")
    fractions = {"crt_glass": 13_000, "plastics": 3_400, "ferrous": 1_100, "copper": 700}
    body = {"line": "L1", "fractions": {**fractions, "circuit_boards": 1_100, "other": 700}}

    wrong = app_client.post(
        f"/api/units/{code}/dismantling",
        headers=plant,
        json={**body, "attributes": {"screen_inch": "large"}},
    )
    assert wrong.status_code == 422, wrong.text  # refused, nothing recorded
    done = app_client.post(
        f"/api/units/{code}/dismantling",
        headers=plant,
        json={**body, "attributes": {"screen_inch": 21}},
    )
    assert done.status_code == 201, done.text
    assert (done.json()["check"], done.json()["flags"]) == ("passed", [])

    made = app_client.post("/api/claims", headers=plant, json={"period": "2026-11"})
    assert made.status_code == 201, made.text
    assert [line["unit_code"] for line in made.json()["lines"]] == [code]
