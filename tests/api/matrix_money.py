"""The money routes of the authorization matrix (issue 6): bank accounts, payouts, bank
batches, result files and money reports.

The objects are added to the matrix world by `add_money` (a hook of `build_matrix_world`):
on each side every party but the producer gives a bank account and withdraws ¥1.00 (key
"matrix"); then the operator batches them all and downloads the batch, and side a's station
withdraws once more so that a new batch has something to gather.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import payouts
from ewaste.kernel.money import Money
from tests.api.matrix_world import MISSING_ID, Builder, Call, MatrixWorld, Route

PARTIES = ("household", "collector", "station", "plant")
NA = None
Row = dict[str, int | None]


def add_money(session: Session, mw: MatrixWorld, now: datetime) -> None:
    """Bank accounts, one payout per party and side, one sent batch, one payout waiting."""
    world = mw.world
    for side in ("a", "b"):
        for role in PARTIES:
            party = world.by_role(role, side)
            payouts.save_bank_account(
                session,
                actor=party,
                holder=f"{role}-{side}",
                bank_name="中国银行",
                account_number=f"62170000{party.organisation_id:08d}",
                now=now,
            )
            view = payouts.request_payout(
                session, actor=party, amount=Money(1_00), idempotency_key="matrix", now=now
            )
            mw.extra[f"payout:{role}:{side}"] = view.id
    batch = payouts.create_batch(session, actor=world.operator, now=now)
    payouts.download_batch(session, actor=world.operator, batch_id=batch.id, now=now)
    mw.extra["batch"] = batch.id
    payouts.request_payout(
        session, actor=world.station_a, amount=Money(1_00), idempotency_key="waiting", now=now
    )


def _payout(mw: MatrixWorld, role: str, case: str) -> Call:
    if case == "missing":
        return Call(f"/api/payouts/{MISSING_ID}")
    owner = role if role in PARTIES else "collector"
    side = "a" if case == "own" else "b"
    return Call(f"/api/payouts/{mw.extra[f'payout:{owner}:{side}']}")


def _batch_id(mw: MatrixWorld, case: str) -> int:
    return MISSING_ID if case == "missing" else int(mw.extra["batch"])


def _results(mw: MatrixWorld, role: str, case: str) -> Call:
    batch = _batch_id(mw, case)
    payout = mw.extra["payout:collector:a"]
    text = ",".join(payouts.RESULT_HEADER) + f"\n{batch},{payout},1.00,paid,BANK-1,\n"
    return Call(f"/api/payout-batches/{batch}/results", {"csv": text})


MONEY_BUILDERS: dict[Route, Builder] = {
    ("PUT", "/api/accounts/me/bank-account"): lambda mw, role, case: Call(
        "/api/accounts/me/bank-account",
        {"holder": "张三", "bank_name": "招商银行", "account_number": "6225 8800 1234 5678"},
    ),
    ("POST", "/api/payouts"): lambda mw, role, case: Call(
        "/api/payouts",
        {"amount": {"amount": "1.00", "currency": "CNY"}},
        headers={"Idempotency-Key": f"matrix-{role}"},
    ),
    ("GET", "/api/payouts"): lambda mw, role, case: Call("/api/payouts"),
    ("GET", "/api/payouts/{payout_id}"): _payout,
    ("POST", "/api/payout-batches"): lambda mw, role, case: Call("/api/payout-batches"),
    ("GET", "/api/payout-batches"): lambda mw, role, case: Call("/api/payout-batches"),
    ("GET", "/api/payout-batches/{batch_id}/csv"): lambda mw, role, case: Call(
        f"/api/payout-batches/{_batch_id(mw, case)}/csv"
    ),
    ("POST", "/api/payout-batches/{batch_id}/results"): _results,
    ("GET", "/api/reports/money"): lambda mw, role, case: Call("/api/reports/money"),
    ("GET", "/api/reports/reconciliation"): lambda mw, role, case: Call(
        "/api/reports/reconciliation"
    ),
}


def _no_object(**codes: int) -> dict[str, Row]:
    """A route without an object: only "own" has meaning."""
    return {row: {"own": code, "other": NA, "missing": NA} for row, code in codes.items()}


def _operators_only(ok: int) -> dict[str, Row]:
    """A batch route: operators reach any batch (404 for a missing one); everyone else is
    refused on the role before the batch is looked up (403)."""
    rows: dict[str, Row] = {"anonymous": {"own": 401, "other": 401, "missing": 401}}
    for role in ("household", "collector", "station", "plant", "producer", "regulator"):
        rows[role] = {"own": 403, "other": 403, "missing": 403}
    rows["operator"] = {"own": ok, "other": ok, "missing": 404}
    return rows


_PARTY_READ = {"household": 200, "collector": 200, "station": 200, "plant": 200, "producer": 200}
_STAFF = {
    "household": 403,
    "collector": 403,
    "station": 403,
    "plant": 403,
    "producer": 403,
    "regulator": 403,
}

# fmt: off
MONEY_MATRIX: dict[Route, dict[str, Row]] = {
    # Every party gives its own bank account; staff hold no account to be paid to.
    ("PUT", "/api/accounts/me/bank-account"): _no_object(
        anonymous=401, **_PARTY_READ, operator=403, regulator=403
    ),
    # A producer has no bank account in the world: bank_account_missing (409).
    ("POST", "/api/payouts"): _no_object(
        anonymous=401, household=201, collector=201, station=201, plant=201, producer=409,
        operator=403, regulator=403,
    ),
    ("GET", "/api/payouts"): _no_object(
        anonymous=401, **_PARTY_READ, operator=200, regulator=403
    ),
    # A party reads its own payouts only; the producer's "own" is a household's payout.
    ("GET", "/api/payouts/{payout_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 200, "other": 404, "missing": 404},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 200, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    ("POST", "/api/payout-batches"): _no_object(anonymous=401, **_STAFF, operator=201),
    ("GET", "/api/payout-batches"): _no_object(anonymous=401, **_STAFF, operator=200),
    ("GET", "/api/payout-batches/{batch_id}/csv"): _operators_only(200),
    ("POST", "/api/payout-batches/{batch_id}/results"): _operators_only(200),
    ("GET", "/api/reports/money"): _no_object(anonymous=401, **_STAFF, operator=200),
    ("GET", "/api/reports/reconciliation"): _no_object(anonymous=401, **_STAFF, operator=200),
}
# fmt: on

MONEY_INTEGER_ID_ROUTES: dict[Route, str] = {
    ("GET", "/api/payouts/{payout_id}"): "collector",
    ("GET", "/api/payout-batches/{batch_id}/csv"): "operator",
    ("POST", "/api/payout-batches/{batch_id}/results"): "operator",
}
