"""The settlement routes of the authorization matrix (issue 6, point 3): a party's own
settlement, and any seller's for operators. "own" is station a, "other" station b."""

from __future__ import annotations

from tests.api.matrix_world import MISSING_ID, Builder, Call, MatrixWorld, Route

NA = None
Row = dict[str, int | None]


def _seller(mw: MatrixWorld, role: str, case: str) -> Call:
    if case == "missing":
        return Call(f"/api/settlement/sellers/{MISSING_ID}")
    station = mw.world.station_a if case == "own" else mw.world.station_b
    return Call(f"/api/settlement/sellers/{station.organisation_id}")


SETTLEMENT_BUILDERS: dict[Route, Builder] = {
    ("GET", "/api/settlement/me"): lambda mw, role, case: Call("/api/settlement/me"),
    ("GET", "/api/settlement/sellers/{organisation_id}"): _seller,
}

_REFUSED: Row = {"own": 403, "other": 403, "missing": 403}

# fmt: off
SETTLEMENT_MATRIX: dict[Route, dict[str, Row]] = {
    # Every organisation with an account reads its own settlement; a regulator has none.
    ("GET", "/api/settlement/me"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        **{
            role: {"own": 200, "other": NA, "missing": NA}
            for role in ("household", "collector", "station", "plant", "producer", "operator")
        },
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    # Operators read any seller's; everyone else is refused on the role first (403).
    ("GET", "/api/settlement/sellers/{organisation_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        **dict.fromkeys(
            ("household", "collector", "station", "plant", "producer", "regulator"), _REFUSED
        ),
        "operator": {"own": 200, "other": 200, "missing": 404},
    },
}
# fmt: on

SETTLEMENT_INTEGER_ID_ROUTES: dict[Route, str] = {
    ("GET", "/api/settlement/sellers/{organisation_id}"): "operator",
}
