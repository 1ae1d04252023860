"""The money routes over HTTP: bank account, payouts, bank batches (create, list, CSV, result
file), the money report (revenue by month, guarantee exposure, ledger check) and the
reconciliation of ledger, payouts and bank results. Refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import ledger, payouts
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.api.helpers import token
from tests.factories import World, build_world

BANK = {"holder": "王师傅", "bank_name": "农业银行", "account_number": "6228 4800 0000 0001"}


def cny(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "CNY"}


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    made = build_world(session, now=clock.now())
    session.flush()
    return made


def _fee(session: Session, world: World, clock: FrozenClock, key: str, fen: int, days: int) -> int:
    """Book `fen` of the plant's available balance as a platform fee, `days` before T0."""
    plant = ledger.Accounts.party(world.plant_a.organisation_id)
    row = ledger.post_entry(
        session,
        entry=ledger.JournalEntry(
            key,
            clock.now() - timedelta(days=days),
            "fee for the test",
            f"test:{key}",
            ledger.transfer(payer=plant, payee=ledger.Accounts.PLATFORM_FEES, amount=Money(fen)),
        ),
    )
    return row.id


def test_the_money_report_shows_revenue_by_month_guarantee_and_the_ledger_check(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    _fee(session, world, clock, "fee-oct", 12_00, days=40)  # 2026-10
    reversed_id = _fee(session, world, clock, "fee-nov", 5_00, days=0)
    _fee(session, world, clock, "fee-nov-2", 3_50, days=0)
    ledger.reverse_entry(session, entry_id=reversed_id, reason="charged twice", now=clock.now())
    session.flush()

    answer = app_client.get("/api/reports/money", headers=token(app_client, "operator"))

    assert answer.status_code == 200
    body = answer.json()
    assert body["revenue"] == [
        {"month": "2026-10", "increases": cny("12.00"), "decreases": cny("0.00")},
        {"month": "2026-11", "increases": cny("8.50"), "decreases": cny("5.00")},
    ]
    assert body["revenue_total"] == cny("15.50")
    assert body["guarantee"] == {
        "fund": cny("0.00"),
        "paid_in": cny("0.00"),
        "paid_out": cny("0.00"),
        "escrow_held": cny("0.00"),
        "uncovered": cny("0.00"),
    }
    check = body["ledger"]
    assert check["ok"] is True
    assert check["debits"] == check["credits"]
    assert (check["unbalanced_entries"], check["mismatched_balances"]) == (0, [])
    assert check["forbidden_negatives"] == []
    assert check["entries"] == 6 + 4  # six seed deposits, three fees and one reversal


@pytest.mark.parametrize("username", ["reg", "col-a", "plant-a", "home-a"])
def test_money_reports_are_for_operators(
    app_client: TestClient, world: World, username: str
) -> None:
    headers = token(app_client, username)
    for path in ("/api/reports/money", "/api/reports/reconciliation", "/api/payout-batches"):
        answer = app_client.get(path, headers=headers)
        assert answer.status_code == 403, path
        assert answer.json()["code"] == "identity.missing_permission"


def test_a_payout_from_request_to_bank_result_reconciles_at_every_step(
    app_client: TestClient, session: Session, world: World
) -> None:
    op = token(app_client, "operator")
    col = token(app_client, "col-a")

    def reconciled() -> dict[str, object]:
        answer = app_client.get("/api/reports/reconciliation", headers=op)
        assert answer.status_code == 200
        body: dict[str, object] = answer.json()
        assert body["ok"] is True, body
        assert body["in_transit_ledger"] == body["in_transit_payouts"]
        return body

    assert reconciled()["by_status"] == [
        {"status": s.value, "count": 0, "total": cny("0.00")} for s in payouts.PayoutStatus
    ]
    saved = app_client.put("/api/accounts/me/bank-account", json=BANK, headers=col)
    assert saved.status_code == 200
    assert saved.json()["account_number"] == "•••• 0001"
    paid = app_client.post(
        "/api/payouts", json={"amount": cny("120.00")}, headers={**col, "Idempotency-Key": "a"}
    ).json()
    failed = app_client.post(
        "/api/payouts", json={"amount": cny("30.00")}, headers={**col, "Idempotency-Key": "b"}
    ).json()
    assert reconciled()["in_transit_ledger"] == cny("150.00")
    assert app_client.get(f"/api/payouts/{paid['id']}", headers=col).json()["status"] == (
        "requested"
    )

    batch = app_client.post("/api/payout-batches", headers=op)
    assert batch.status_code == 201
    batch_id = batch.json()["id"]
    assert (batch.json()["payout_count"], batch.json()["total"]) == (2, cny("150.00"))
    listed = app_client.get("/api/payout-batches", headers=op).json()
    assert [(b["id"], b["status"]) for b in listed] == [(batch_id, "created")]
    awaiting = reconciled()["batches_awaiting_results"]
    assert [b["id"] for b in awaiting] == [batch_id]  # type: ignore[attr-defined]

    csv = app_client.get(f"/api/payout-batches/{batch_id}/csv", headers=op)
    assert csv.status_code == 200
    assert csv.text.splitlines()[0] == ",".join(payouts.BATCH_HEADER)
    assert len(csv.text.splitlines()) == 3
    assert "6228480000000001" in csv.text
    assert app_client.get("/api/payout-batches", headers=op).json()[0]["status"] == "sent"

    header = ",".join(payouts.RESULT_HEADER)
    bad = (
        f"{header}\n{batch_id},{paid['id']},120.00,paid,B-1,\n"
        f"{batch_id},{failed['id']},30.00,lost,,\n"
    )
    refused = app_client.post(
        f"/api/payout-batches/{batch_id}/results", json={"csv": bad}, headers=op
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "payouts.malformed_result_file"
    assert app_client.get(f"/api/payouts/{paid['id']}", headers=col).json()["status"] == "batched"
    reconciled()

    good = (
        f"{header}\n{batch_id},{paid['id']},120.00,paid,B-1,\n"
        f"{batch_id},{failed['id']},30.00,failed,,account closed\n"
    )
    done = app_client.post(
        f"/api/payout-batches/{batch_id}/results", json={"csv": good}, headers=op
    )
    assert done.status_code == 200
    assert {k: done.json()[k] for k in ("confirmed", "failed", "unchanged")} == {
        "confirmed": 1,
        "failed": 1,
        "unchanged": 0,
    }
    assert done.json()["batch"]["status"] == "settled"
    again = app_client.post(
        f"/api/payout-batches/{batch_id}/results", json={"csv": good}, headers=op
    )
    assert (again.json()["confirmed"], again.json()["unchanged"]) == (0, 2)

    final = reconciled()
    assert final["in_transit_ledger"] == cny("0.00")
    assert final["batches_awaiting_results"] == []
    by_status = {s["status"]: s for s in final["by_status"]}  # type: ignore[attr-defined]
    assert by_status["paid"]["total"] == cny("120.00")
    assert by_status["failed"]["total"] == cny("30.00")
    mine = app_client.get("/api/accounts/me", headers=col).json()
    assert mine["available"] == cny("9880.00")  # 10,000 - 120 paid; the 30 came back
    assert mine["bank_account"]["account_number"] == "•••• 0001"
    assert [p["status"] for p in mine["payouts"]] == ["failed", "paid"]
    shown = app_client.get(f"/api/payouts/{failed['id']}", headers=col).json()
    assert (shown["failure_reason"], shown["account_number"]) == ("account closed", "•••• 0001")


def test_other_parties_payouts_and_missing_batches_are_not_found(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    payouts.save_bank_account(session, actor=world.collector_a, now=clock.now(), **BANK)
    view = payouts.request_payout(
        session, actor=world.collector_a, amount=Money(1_00), idempotency_key="x", now=clock.now()
    )
    session.flush()
    other = app_client.get(f"/api/payouts/{view.id}", headers=token(app_client, "col-b"))
    assert (other.status_code, other.json()["code"]) == (404, "payouts.payout_not_found")
    assert app_client.get("/api/payouts", headers=token(app_client, "col-b")).json() == []
    op = token(app_client, "operator")
    missing = app_client.get("/api/payout-batches/999999/csv", headers=op)
    assert (missing.status_code, missing.json()["code"]) == (404, "payouts.batch_not_found")
    results = app_client.post("/api/payout-batches/999999/results", json={"csv": "x"}, headers=op)
    assert results.status_code == 404


def test_nothing_to_batch_is_a_conflict_and_creates_no_batch(
    app_client: TestClient, session: Session, world: World
) -> None:
    op = token(app_client, "operator")
    answer = app_client.post("/api/payout-batches", headers=op)
    assert (answer.status_code, answer.json()["code"]) == (409, "payouts.nothing_to_batch")
    assert app_client.get("/api/payout-batches", headers=op).json() == []


def test_a_bad_bank_account_is_refused_and_none_is_saved(
    app_client: TestClient, session: Session, world: World
) -> None:
    col = token(app_client, "col-a")
    answer = app_client.put(
        "/api/accounts/me/bank-account", json={**BANK, "account_number": "12-34"}, headers=col
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "payouts.invalid_bank_account")
    assert app_client.get("/api/accounts/me", headers=col).json()["bank_account"] is None


def test_the_operator_reads_ledger_lines_by_source(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    _fee(session, world, clock, "fee-lines", 7_00, days=0)
    session.flush()
    op = token(app_client, "operator")
    lines = app_client.get("/api/ledger/entries", headers=op, params={"source_prefix": "test:"})
    assert [(r["account"], r["side"], r["amount"]["amount"]) for r in lines.json()] == [
        (f"org:{world.plant_a.organisation_id}:available", "debit", "7.00"),
        ("platform:fees", "credit", "7.00"),
    ]
    refused = app_client.get(
        "/api/ledger/entries", headers=token(app_client, "plant-a"), params={"source_prefix": "t"}
    )
    assert refused.status_code == 403
