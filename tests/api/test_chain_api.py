"""One unit walks the whole chain through the JSON API; its trace and every ledger entry
are checked at the end."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from tests.api.helpers import token
from tests.factories import FUTIAN, build_world


def test_one_unit_from_quote_to_dismantling(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    session.commit()
    home, op = token(app_client, "home-a"), token(app_client, "operator")
    col, sta, plant = (
        token(app_client, "col-a"),
        token(app_client, "sta-a"),
        token(app_client, "plant-a"),
    )
    reg = token(app_client, "reg")

    quote = app_client.post(
        "/api/quotes", headers=home, json={"items": [{"category": "refrigerator", "quantity": 1}]}
    )
    assert quote.status_code == 201, quote.text
    paid = quote.json()["total"]["amount"]
    assert quote.json()["total"]["currency"] == "CNY"
    assert Decimal(paid) > 0
    assert all(line["source"] for line in quote.json()["lines"])
    kinds = {line["kind"] for line in quote.json()["lines"]}
    assert {"material", "handling", "reuse", "transport_weight"} <= kinds

    start = clock.now() + timedelta(hours=1)
    pickup = app_client.post(
        "/api/pickups",
        headers=home,
        json={
            "quote_id": quote.json()["id"],
            "address": "福田区深南大道1号",
            "location": {"lat": FUTIAN.lat, "lon": FUTIAN.lon},
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(hours=2)).isoformat(),
            "contact_name": "李女士",
            "contact_phone": "13800138000",
        },
    )
    assert pickup.status_code == 201, pickup.text
    pickup_id = pickup.json()["id"]

    assigned = app_client.post(f"/api/pickups/{pickup_id}/assign", headers=op)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["collector_id"] == world.collector_a.organisation_id  # the nearer one

    collected = app_client.post(
        f"/api/pickups/{pickup_id}/collect",
        headers=col,
        json={
            "units": [{"category": "refrigerator", "grams": 41_250}],
            "evidence": "photo:1",
        },
    )
    assert collected.status_code == 200, collected.text
    code = collected.json()["unit_codes"][0]
    assert collected.json()["pickup"]["paid"] == {"amount": paid, "currency": "CNY"}

    receipt = app_client.post(
        "/api/station-receipts",
        headers=sta,
        json={
            "collector_id": world.collector_a.organisation_id,
            "unit_codes": [code],
        },
    )
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["paid"]["amount"] == "95.00"

    lot = app_client.post(
        "/api/lots",
        headers=sta,
        json={
            "unit_codes": [code],
            "price": {"amount": "115.00"},
        },
    )
    assert lot.status_code == 201, lot.text
    lot_id = lot.json()["id"]
    assert lot.json()["hazardous"] is True

    assert app_client.post(f"/api/lots/{lot_id}/buy", headers=plant).json()["status"] == "sold"
    assert app_client.post(f"/api/lots/{lot_id}/ship", headers=sta).json()["status"] == "shipped"
    received = app_client.post(
        f"/api/lots/{lot_id}/receive",
        headers=plant,
        json={
            "unit_codes": [code],
            "load_grams": 41_000,
        },
    )
    assert received.status_code == 200, received.text
    assert received.json()["status"] == "received"

    dismantled = app_client.post(
        f"/api/units/{code}/dismantling",
        headers=plant,
        json={
            "line": "L1",
            "fractions": {
                "ferrous": 20_000,
                "plastics": 8_000,
                "compressor": 7_500,
                "refrigerant": 90,
                "foam": 3_500,
            },
        },
    )
    assert dismantled.status_code == 201, dismantled.text

    trace = app_client.get(f"/api/units/{code}/trace", headers=home)
    assert trace.status_code == 200
    body = trace.json()
    assert body["complete"] is True
    assert body["problems"] == []
    assert [(s["kind"], s["from_role"], s["to_role"]) for s in body["steps"]] == [
        ("unit:collect:door", "household", "collector"),
        ("unit:deliver:station", "collector", "station"),
        ("unit:ship:dispatch", "station", "plant"),
        ("unit:receive:plant", "station", "plant"),
        ("unit:dismantle:record", "plant", "plant"),
    ]
    assert body["steps"][0]["from_name"] == ""  # the household stays anonymous
    assert app_client.get(f"/api/units/{code}/trace", headers=reg).status_code == 200

    def lines(prefix: str) -> list[tuple[str, str, str, str]]:
        answer = app_client.get("/api/ledger/entries", headers=op, params={"source_prefix": prefix})
        assert answer.status_code == 200
        return [
            (r["idempotency_key"], r["account"], r["side"], r["amount"]["amount"])
            for r in answer.json()
        ]

    c, s, p, h = (
        world.collector_a.organisation_id,
        world.station_a.organisation_id,
        world.plant_a.organisation_id,
        world.household_a.organisation_id,
    )
    assert lines(f"pickup:{pickup_id}") == [
        (f"pickup:{pickup_id}:household-paid", f"org:{c}:available", "debit", paid),
        (f"pickup:{pickup_id}:household-paid", f"org:{h}:available", "credit", paid),
    ]
    assert lines(f"station-receipt:{receipt.json()['id']}") == [
        (
            f"station-receipt:{receipt.json()['id']}:collector-paid",
            f"org:{s}:available",
            "debit",
            "95.00",
        ),
        (
            f"station-receipt:{receipt.json()['id']}:collector-paid",
            f"org:{c}:pending",  # an unscored collector is new: held, then released (ADR 0020)
            "credit",
            "95.00",
        ),
    ]
    assert lines(f"lot:{lot_id}") == [
        (f"lot:{lot_id}:plant-pays-escrow", f"org:{p}:available", "debit", "115.00"),
        (f"lot:{lot_id}:plant-pays-escrow", "platform:escrow", "credit", "115.00"),
        (f"lot:{lot_id}:escrow-released", "platform:escrow", "debit", "115.00"),
        (f"lot:{lot_id}:escrow-released", "platform:fees", "credit", "2.30"),
        (f"lot:{lot_id}:escrow-released", f"org:{s}:pending", "credit", "112.70"),
    ]
    statement = app_client.get("/api/accounts/me", headers=home).json()
    assert statement["available"] == {"amount": paid, "currency": "CNY"}

    overview = app_client.get("/api/reports/overview", headers=reg).json()
    assert overview["ledger_balanced"] is True
    assert (overview["custody_chains_complete"], overview["custody_chains_total"]) == (1, 1)
    assert overview["money_by_account_kind"]["escrow"]["amount"] == "0.00"
