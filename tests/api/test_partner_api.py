"""The option pool over HTTP: set-up refused over 20 % (nothing changes), the cap table
in JSON and CSV, hand grants stopping at the pool, a departure, a partner's own view."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import partners
from tests.api.helpers import token
from tests.integration.test_partner_options import partner_world

POOL = {
    "total_shares": 1_000_000,
    "cap_shares": 3_000,
    "threshold_grams": 1_000,
    "qualify_months": 2,
    "monthly_grant_shares": 1_001,
    "vesting_months": 10,
    "cliff_months": 0,
    "inactive_months": 1,
}


def test_an_operator_sets_up_the_pool_and_reads_the_cap_table(
    app_client: TestClient, session: Session
) -> None:
    world = partner_world(session)
    session.commit()
    staff = token(app_client, "operator")
    before = app_client.get("/api/partners/cap-table", headers=staff).json()
    assert before["pool"]["cap_basis_points"] == 2_000

    over = app_client.post(
        "/api/partners/pool", json={**POOL, "cap_shares": 200_001}, headers=staff
    )
    assert over.status_code == 422
    assert over.json()["code"] == "partners.pool_over_cap"
    cliff = app_client.post("/api/partners/pool", json={**POOL, "cliff_months": 11}, headers=staff)
    assert cliff.json()["code"] == "partners.invalid_pool_terms"
    small = app_client.post("/api/partners/pool", json={**POOL, "cap_shares": 1_000}, headers=staff)
    assert (small.status_code, small.json()["code"]) == (409, "partners.pool_below_outstanding")
    assert app_client.get("/api/partners/cap-table", headers=staff).json() == before

    resized = app_client.post("/api/partners/pool", json=POOL, headers=staff)
    assert resized.status_code == 200, resized.text
    assert resized.json()["available_shares"] == 3_000 - 1_001

    a = world.collector_a.organisation_id
    granted = app_client.post(f"/api/partners/{a}/grants", json={"shares": 1_999}, headers=staff)
    assert granted.status_code == 201, granted.text
    assert granted.json()["kind"] == "discretionary"
    refused = app_client.post(f"/api/partners/{a}/grants", json={"shares": 1}, headers=staff)
    assert (refused.status_code, refused.json()["code"]) == (409, "partners.pool_exhausted")
    for bad in ({"shares": 0}, {"shares": "5"}, {"shares": 1, "extra": 1}):
        answer = app_client.post(f"/api/partners/{a}/grants", json=bad, headers=staff)
        assert answer.status_code == 422, bad

    table = app_client.get("/api/partners/cap-table", headers=staff).json()
    assert table["pool"]["outstanding_shares"] == table["granted"] == 3_000
    assert table["pool"]["available_shares"] == 0
    answer = app_client.get("/api/partners/cap-table/csv", headers=staff)
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[-1][0] == "total"
    assert sum(int(r[8]) for r in rows[1:-1]) == 1_000_000

    left = app_client.post(f"/api/partners/{a}/leave", json={"note": "moved"}, headers=staff)
    assert left.status_code == 200
    assert left.json()["line"]["status"] == "left"
    again = app_client.post(f"/api/partners/{a}/leave", json={}, headers=staff)
    assert (again.status_code, again.json()["code"]) == (
        409,
        "partners.illegal_partner_transition",
    )


def test_a_partner_reads_its_own_grants(app_client: TestClient, session: Session) -> None:
    world = partner_world(session)
    session.commit()
    a = world.collector_a.organisation_id
    own = app_client.get(f"/api/partners/{a}", headers=token(app_client, "col-a"))
    assert own.status_code == 200
    body = own.json()
    assert body["line"]["status"] == partners.PartnerStatus.ACTIVE.value
    assert body["qualified_month"] == "2026-10"
    assert [g["month"] for g in body["grants"]] == ["2026-10"]
    assert body["line"]["granted"] == body["grants"][0]["shares"] > 0
    other = app_client.get(f"/api/partners/{a}", headers=token(app_client, "col-b"))
    assert (other.status_code, other.json()["code"]) == (404, "partners.partner_not_found")
