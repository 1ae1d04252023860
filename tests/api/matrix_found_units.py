"""The routes of units found after a lot's reception in the authorization matrix
(tests/api/test_authorization_matrix.py): per side, a lot of two units that the side's
plant received with one missing (decided by the rule at once), and that missing unit —
found at the plant, or back at the station that shipped it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import exchange
from tests.api.matrix_world import (
    LOT_PRICE,
    MISSING_ID,
    Builder,
    Call,
    MatrixWorld,
    Route,
    units_at_side_station,
)

NA = None
Row = dict[str, int | None]
ROUTE: Route = ("POST", "/api/lots/{lot_id}/found-units")
AT_STATION: Route = ("POST", "/api/lots/{lot_id}/found-at-station")


def add_found_units(session: Session, mw: MatrixWorld, now: datetime) -> None:
    """Per side: a lot received with one unit missing, and the missing unit's code."""
    world = mw.world
    for side in ("a", "b"):
        station, plant = world.by_role("station", side), world.by_role("plant", side)
        codes = [c for _ in range(2) for c in units_at_side_station(session, world, side, now)]
        listed = exchange.create_lot(
            session, actor=station, unit_codes=codes, price=LOT_PRICE, now=now
        )
        exchange.buy_lot(session, actor=plant, lot_id=listed.id, now=now)
        exchange.ship_lot(session, actor=station, lot_id=listed.id, now=now)
        arrived = listed.unit_codes[0]
        exchange.receive_lot(
            session,
            actor=plant,
            lot_id=listed.id,
            unit_codes=[arrived],
            load_grams=listed.grams // 2,
            now=now,
            tolerance_basis_points=10_000,
            fee_basis_points=200,
        )
        mw.extra[f"found_lot:{side}"] = listed.id
        mw.extra[f"found_unit:{side}"] = listed.unit_codes[1]


def _found(mw: MatrixWorld, role: str, case: str) -> Call:
    side = "a" if case == "own" else "b"
    lot_id = MISSING_ID if case == "missing" else mw.extra[f"found_lot:{side}"]
    return Call(f"/api/lots/{lot_id}/found-units", {"unit_code": mw.extra[f"found_unit:{side}"]})


def _at_station(mw: MatrixWorld, role: str, case: str) -> Call:
    side = "a" if case == "own" else "b"
    lot_id = MISSING_ID if case == "missing" else mw.extra[f"found_lot:{side}"]
    return Call(
        f"/api/lots/{lot_id}/found-at-station", {"unit_code": mw.extra[f"found_unit:{side}"]}
    )


FOUND_UNITS_BUILDERS: dict[Route, Builder] = {ROUTE: _found, AT_STATION: _at_station}


def _same(own: int | None, other: int | None = NA, missing: int | None = NA) -> Row:
    return {"own": own, "other": other, "missing": missing}


# Only the plant that received the lot (201); anyone else sees no such lot (404, as for
# the lot's reception itself: the lot is looked up with the plant's permission).
FOUND_UNITS_MATRIX: dict[Route, dict[str, Row]] = {
    ROUTE: {
        "anonymous": _same(401, 401, 401),
        "household": _same(404, 404, 404),
        "collector": _same(404, 404, 404),
        "station": _same(404, 404, 404),
        "plant": _same(201, 404, 404),
        "producer": _same(404, 404, 404),
        "operator": _same(404, 404, 404),
        "regulator": _same(404, 404, 404),
    },
    # Only the station that shipped the lot (201); anyone else sees no such lot.
    AT_STATION: {
        "anonymous": _same(401, 401, 401),
        "household": _same(404, 404, 404),
        "collector": _same(404, 404, 404),
        "station": _same(201, 404, 404),
        "plant": _same(404, 404, 404),
        "producer": _same(404, 404, 404),
        "operator": _same(404, 404, 404),
        "regulator": _same(404, 404, 404),
    },
}
FOUND_UNITS_INTEGER_ID_ROUTES: dict[Route, str] = {ROUTE: "plant", AT_STATION: "station"}
