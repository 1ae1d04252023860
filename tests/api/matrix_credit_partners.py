"""The credit and partner routes of the authorization matrix (issue 6, points 2 and 5).

`add_credit_and_partners` (a hook of `build_matrix_world`) scores every collector and
station at the world's moment, sets up the option pool (one month at 1 g qualifies) and
closes the world's month ten days later, so every collector and station of both sides
is a partner with a grant. A party's "own" object is its own organisation; for roles
that are never scored (household, plant, producer, staff) it is side a's collector.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import credit, partners
from tests.api.matrix_world import MISSING_ID, Builder, Call, MatrixWorld, Route

NA = None
Row = dict[str, int | None]
SCORED = ("collector", "station")

POOL_BODY = {
    "total_shares": 1_000_000,
    "cap_shares": 200_000,
    "threshold_grams": 1,
    "qualify_months": 1,
    "monthly_grant_shares": 10_000,
    "vesting_months": 48,
    "cliff_months": 12,
    "inactive_months": 3,
}


def add_credit_and_partners(session: Session, mw: MatrixWorld, now: datetime) -> None:
    """Weekly scores for every collector and station; every one of them a partner."""
    credit.score_due_parties(session, now=now, limit=100)
    partners.configure_pool(
        session,
        actor=mw.world.operator,
        total_shares=POOL_BODY["total_shares"],
        cap_shares=POOL_BODY["cap_shares"],
        terms=partners.PoolTerms(
            **{k: v for k, v in POOL_BODY.items() if k not in {"total_shares", "cap_shares"}}
        ),
        now=now,
    )
    partners.close_partner_month(session, now=now + timedelta(days=10))


def _party(mw: MatrixWorld, role: str, case: str) -> int:
    if case == "missing":
        return MISSING_ID
    owner = role if role in SCORED else "collector"
    return mw.world.by_role(owner, "a" if case == "own" else "b").organisation_id


CREDIT_PARTNER_BUILDERS: dict[Route, Builder] = {
    ("GET", "/api/credit/scores"): lambda mw, role, case: Call("/api/credit/scores"),
    ("GET", "/api/credit/scores/{organisation_id}"): lambda mw, role, case: Call(
        f"/api/credit/scores/{_party(mw, role, case)}"
    ),
    ("GET", "/api/credit/scores/{organisation_id}/history"): lambda mw, role, case: Call(
        f"/api/credit/scores/{_party(mw, role, case)}/history"
    ),
    ("POST", "/api/partners/pool"): lambda mw, role, case: Call("/api/partners/pool", POOL_BODY),
    ("GET", "/api/partners/cap-table"): lambda mw, role, case: Call("/api/partners/cap-table"),
    ("GET", "/api/partners/cap-table/csv"): lambda mw, role, case: Call(
        "/api/partners/cap-table/csv"
    ),
    ("GET", "/api/partners/{organisation_id}"): lambda mw, role, case: Call(
        f"/api/partners/{_party(mw, role, case)}"
    ),
    ("POST", "/api/partners/{organisation_id}/grants"): lambda mw, role, case: Call(
        f"/api/partners/{_party(mw, role, case)}/grants", {"shares": 100}
    ),
    ("POST", "/api/partners/{organisation_id}/leave"): lambda mw, role, case: Call(
        f"/api/partners/{_party(mw, role, case)}/leave", {"note": "matrix"}
    ),
}


def _no_object(**codes: int) -> dict[str, Row]:
    """A route without an object: only "own" has meaning."""
    return {row: {"own": code, "other": NA, "missing": NA} for row, code in codes.items()}


def _own_or_staff() -> dict[str, Row]:
    """A collector or station reads its own; operators any; everyone else sees nothing
    (404, so a party cannot tell another's score or grants from a missing one)."""
    rows: dict[str, Row] = {"anonymous": {"own": 401, "other": 401, "missing": 401}}
    for role in ("household", "plant", "producer", "regulator"):
        rows[role] = {"own": 404, "other": 404, "missing": 404}
    for role in SCORED:
        rows[role] = {"own": 200, "other": 404, "missing": 404}
    rows["operator"] = {"own": 200, "other": 200, "missing": 404}
    return rows


def _operators_only(ok: int) -> dict[str, Row]:
    """Operators reach any partner (404 for a missing one); everyone else is refused on
    the role before the partner is looked up (403)."""
    rows: dict[str, Row] = {"anonymous": {"own": 401, "other": 401, "missing": 401}}
    for role in ("household", "collector", "station", "plant", "producer", "regulator"):
        rows[role] = {"own": 403, "other": 403, "missing": 403}
    rows["operator"] = {"own": ok, "other": ok, "missing": 404}
    return rows


_NOT_STAFF = {
    "household": 403,
    "collector": 403,
    "station": 403,
    "plant": 403,
    "producer": 403,
    "regulator": 403,
}

CREDIT_PARTNER_MATRIX: dict[Route, dict[str, Row]] = {
    ("GET", "/api/credit/scores"): _no_object(anonymous=401, **_NOT_STAFF, operator=200),
    ("GET", "/api/credit/scores/{organisation_id}"): _own_or_staff(),
    ("GET", "/api/credit/scores/{organisation_id}/history"): _own_or_staff(),
    ("POST", "/api/partners/pool"): _no_object(anonymous=401, **_NOT_STAFF, operator=200),
    ("GET", "/api/partners/cap-table"): _no_object(anonymous=401, **_NOT_STAFF, operator=200),
    ("GET", "/api/partners/cap-table/csv"): _no_object(anonymous=401, **_NOT_STAFF, operator=200),
    ("GET", "/api/partners/{organisation_id}"): _own_or_staff(),
    ("POST", "/api/partners/{organisation_id}/grants"): _operators_only(201),
    ("POST", "/api/partners/{organisation_id}/leave"): _operators_only(200),
}

CREDIT_PARTNER_INTEGER_ID_ROUTES: dict[Route, str] = {
    ("GET", "/api/credit/scores/{organisation_id}"): "collector",
    ("GET", "/api/credit/scores/{organisation_id}/history"): "collector",
    ("GET", "/api/partners/{organisation_id}"): "collector",
    ("POST", "/api/partners/{organisation_id}/grants"): "operator",
    ("POST", "/api/partners/{organisation_id}/leave"): "operator",
}
