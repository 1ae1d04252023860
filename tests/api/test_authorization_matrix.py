"""Every JSON API route × every role × {own object, another organisation's, a missing id}.

`MATRIX` below is the contract: the status each role gets on each route for

- "own": the caller's own object, in the state the route acts on (a pickup of the
  caller's household, a lot of the caller's station, a unit the caller handled...). For
  a role that cannot own such an object it is the comparable object of the caller's
  side ("a"), the one the other roles call their own;
- "other": the comparable object of another organisation of the same role ("b" side);
- "missing": an id or unit code that does not exist.

`None` marks a case that has no meaning for the route (a route without an object has
no "other" or "missing"). "anonymous" sends no token at all.

Rules the table encodes: a role may never tell another organisation's object from a
missing one (both answer 404, never 403, so ids cannot be probed); a role lacking a
permission answers 404 where the service checks access on the object, and 403
(`identity.missing_permission`) where the service checks the role first. Rows where
the code answers something else than a careful reviewer expects are listed in `BUGS`
and run as strict xfails.

The world is built once per module through the real services; each case runs in a
savepoint that is rolled back, so every state-changing case starts from the same
world (tokens are issued once, through `POST /api/auth/token`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ewaste.config import Settings
from ewaste.kernel.clock import FrozenClock
from ewaste.web.app import create_app
from tests.api.matrix_credit_partners import (
    CREDIT_PARTNER_BUILDERS,
    CREDIT_PARTNER_INTEGER_ID_ROUTES,
    CREDIT_PARTNER_MATRIX,
    add_credit_and_partners,
)
from tests.api.matrix_custody import (
    CUSTODY_BUILDERS,
    CUSTODY_INTEGER_ID_ROUTES,
    CUSTODY_MATRIX,
    CUSTODY_PUBLIC_ROUTES,
    add_custody,
)
from tests.api.matrix_found_units import (
    FOUND_UNITS_BUILDERS,
    FOUND_UNITS_INTEGER_ID_ROUTES,
    FOUND_UNITS_MATRIX,
    add_found_units,
)
from tests.api.matrix_money import (
    MONEY_BUILDERS,
    MONEY_INTEGER_ID_ROUTES,
    MONEY_MATRIX,
    add_money,
)
from tests.api.matrix_settlement import (
    SETTLEMENT_BUILDERS,
    SETTLEMENT_INTEGER_ID_ROUTES,
    SETTLEMENT_MATRIX,
)
from tests.api.matrix_world import (
    BUILDERS,
    MISSING_ID,
    USERNAMES,
    WORLD_HOOKS,
    Call,
    Matrix,
    Route,
    savepoint_sessions,
    send,
    shared_world,
)
from tests.conftest import T0
from tests.factories import PASSWORD

ROLES = ("household", "collector", "station", "plant", "producer", "operator", "regulator")
EVERY_ROW = ("anonymous", *ROLES)
CASES = ("own", "other", "missing")
NA = None

Row = dict[str, int | None]

PUBLIC_ROUTES = frozenset(
    {
        ("POST", "/api/auth/token"),
        ("GET", "/api/categories"),
        ("GET", "/api/prices"),
        ("GET", "/api/prices/board"),
        ("GET", "/api/prices/index"),
        ("GET", "/api/custody/public-key"),
    }
)

# fmt: off
MATRIX: dict[Route, dict[str, Row]] = {
    # The market (issue 5). Licences and assessments: operators only ("missing": a body
    # naming no plant is not-a-plant, 422). A plant reads its own licences and capacity;
    # staff read any plant's. Auctioned lots are open to every plant until sold (bids are
    # sealed: each plant sees only its own). Contracts: buyer, seller and staff.
    ("POST", "/api/licences"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 201, "other": 201, "missing": 422},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("GET", "/api/plants/{plant_id}/licences"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("GET", "/api/plants/{plant_id}/capacity"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("POST", "/api/assessments"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 201, "other": 201, "missing": 422},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("POST", "/api/assessments/{assessment_id}/review"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("POST", "/api/lots/{lot_id}/bids"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 201, "other": 201, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    ("GET", "/api/lots/{lot_id}/auction"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 200, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 200, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("POST", "/api/standing-bids"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 201, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 403, "other": NA, "missing": NA},
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    ("GET", "/api/standing-bids"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("POST", "/api/standing-bids/{bid_id}/withdraw"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # Reception discrepancies (issue 5, point 4): the plant that received the lot, the
    # station that sold it and staff read it; only operators decide (others: 403, the
    # permission is checked first). own/other: the disputed lot of side a / side b.
    ("GET", "/api/discrepancies"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/lots/{lot_id}/discrepancy"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 200, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("POST", "/api/lots/{lot_id}/discrepancy/decision"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # Market data: aggregates for stations, plants and staff; anyone else 403.
    ("GET", "/api/market/data"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/contracts"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/contracts/{contract_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 200, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("POST", "/api/auth/token"): {
        "anonymous": {"own": NA, "other": 401, "missing": 401},
        "household": {"own": 201, "other": 401, "missing": 401},
        "collector": {"own": 201, "other": 401, "missing": 401},
        "station": {"own": 201, "other": 401, "missing": 401},
        "plant": {"own": 201, "other": 401, "missing": 401},
        "producer": {"own": 201, "other": 401, "missing": 401},
        "operator": {"own": 201, "other": 401, "missing": 401},
        "regulator": {"own": 201, "other": 401, "missing": 401},
    },
    ("GET", "/api/me"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/categories"): {
        "anonymous": {"own": 200, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    # Door adjustments: the assigned collector proposes, the household decides.
    ("POST", "/api/pickups/{pickup_id}/adjustments"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 201, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    ("GET", "/api/pickups/{pickup_id}/adjustments"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 200, "other": 404, "missing": 404},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    ("POST", "/api/pickups/{pickup_id}/adjustments/decision"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 200, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    ("GET", "/api/reports/door-adjustments"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 403, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    # Prices are open to everyone; only operators add versions.
    ("GET", "/api/prices"): {
        "anonymous": {"own": 200, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/prices/board"): {
        "anonymous": {"own": 200, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/prices/index"): {
        "anonymous": {"own": 200, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("POST", "/api/prices"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 403, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 201, "other": NA, "missing": NA},
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    ("POST", "/api/prices/import"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 403, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 201, "other": NA, "missing": NA},
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    # "missing": a category code that does not exist.
    ("POST", "/api/quotes"): {
        "anonymous": {"own": 401, "other": NA, "missing": 401},
        "household": {"own": 201, "other": NA, "missing": 404},
        "collector": {"own": 403, "other": NA, "missing": 403},
        "station": {"own": 403, "other": NA, "missing": 403},
        "plant": {"own": 403, "other": NA, "missing": 403},
        "producer": {"own": 403, "other": NA, "missing": 403},
        "operator": {"own": 403, "other": NA, "missing": 403},
        "regulator": {"own": 403, "other": NA, "missing": 403},
    },
    ("GET", "/api/quotes/{quote_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 200, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # The body names a quote: the household's own open quote, another household's, none.
    ("POST", "/api/pickups"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 201, "other": 404, "missing": 404},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # Lists are filtered, never refused; test_lists_show_only_what_the_role_may_see
    # checks what they contain.
    ("GET", "/api/pickups"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/pickups/{pickup_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 200, "other": 404, "missing": 404},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    ("POST", "/api/pickups/{pickup_id}/cancel"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 200, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # dispatch.assign_pickup checks the role before loading the pickup: 403 whatever the
    # id, so nothing can be probed, but unlike cancel/collect it is not 404.
    ("POST", "/api/pickups/{pickup_id}/assign"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # Setting out: the collector, for a pickup assigned to it (the other collector's: 404).
    ("POST", "/api/pickups/{pickup_id}/set-out"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("POST", "/api/pickups/{pickup_id}/collect"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # own: units collector a holds; other: a unit already at station b (409 WrongHolder:
    # the scan names a giver who does not hold it); missing: an unknown unit code.
    ("POST", "/api/station-receipts"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 201, "other": 409, "missing": 404},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # own: a unit at the caller's station; other: a unit at station b; missing: unknown.
    ("POST", "/api/lots"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 201, "other": 404, "missing": 404},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("GET", "/api/lots"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    # station: its listed lot vs station b's; plant: the lot it bought vs the lot plant b
    # bought (listed lots are open to every plant); staff: a's lot vs b's.
    ("GET", "/api/lots/{lot_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 200, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    # own: a listed lot; other: the lot plant b bought.
    ("POST", "/api/lots/{lot_id}/buy"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # own: station a's sold lot; other: station b's sold lot.
    ("POST", "/api/lots/{lot_id}/ship"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 200, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # own: the shipped lot plant a bought; other: the shipped lot plant b bought.
    ("POST", "/api/lots/{lot_id}/receive"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 404, "other": 404, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # own: a unit the caller's organisation handled (household: handed over); other: a
    # unit only the b side handled. A producer never handles units.
    ("GET", "/api/units/{unit_code}/trace"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 200, "other": 404, "missing": 404},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 200, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    # compliance.record_dismantling checks the role first (403 whatever the code).
    ("POST", "/api/units/{unit_code}/dismantling"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 201, "other": 404, "missing": 404},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # Subsidy claims (issue 7.4): a plant prepares and submits its own claims; regulators and
    # operators read every claim (CSV/PDF too) and decide; another plant's claim is a missing one.
    ("POST", "/api/claims"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 201, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 403, "other": NA, "missing": NA},
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    ("GET", "/api/claims"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/claims/{claim_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("GET", "/api/claims/{claim_id}/csv"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("GET", "/api/claims/{claim_id}/pdf"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 404, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    ("POST", "/api/claims/{claim_id}/submit"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 200, "other": 404, "missing": 404},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # Deciding is `audit:claim:decide`, the regulator's alone (ADR 0019): the operator earns
    # fees on the plants' trades and does not approve the fund's money.
    ("POST", "/api/claims/{claim_id}/decision"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    # Dismantling output checks (issue 7.3, ADR 0019): a plant lists its own flagged
    # records, auditors every plant's; only the regulator reviews (any plant's unit).
    ("GET", "/api/dismantling-checks"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("POST", "/api/dismantling-checks/{unit_code}/review"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 200, "other": 200, "missing": 404},
    },
    # Reports (issue 7.6): volumes for auditors; a producer's take-back report for the
    # producer itself and auditors ("other" is an organisation that is no producer: 404).
    ("GET", "/api/reports/volumes"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 403, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/reports/producers/{producer_id}"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 200, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 404, "missing": 404},
        "regulator": {"own": 200, "other": 404, "missing": 404},
    },
    # The brand map: operators only; a brand for an organisation that is no producer
    # ("other", "missing") is refused as invalid input.
    ("POST", "/api/brands"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 201, "other": 422, "missing": 422},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # Route sheets: the collector its own, staff any; everyone else sees no collector.
    ("GET", "/api/collectors/{collector_id}/route"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 404, "other": 404, "missing": 404},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 404, "other": 404, "missing": 404},
        "plant": {"own": 404, "other": 404, "missing": 404},
        "producer": {"own": 404, "other": 404, "missing": 404},
        "operator": {"own": 200, "other": 200, "missing": 404},
        "regulator": {"own": 404, "other": 404, "missing": 404},
    },
    # The city plan: operators only (no object in the path: every case the same).
    ("POST", "/api/routes/plan"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 200, "other": 200, "missing": 200},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    # Offers: staff offer a waiting pickup; the collector it is addressed to answers.
    ("POST", "/api/pickups/{pickup_id}/offers"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 201, "other": 201, "missing": 404},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("GET", "/api/offers"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 403, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    ("POST", "/api/offers/{offer_id}/accept"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("POST", "/api/offers/{offer_id}/decline"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 200, "other": 404, "missing": 404},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 403, "other": 403, "missing": 403},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("GET", "/api/accounts/me"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 403, "other": NA, "missing": NA},
    },
    # source_prefix: a's pickup, b's pickup, a pickup that does not exist (empty list).
    ("GET", "/api/ledger/entries"): {
        "anonymous": {"own": 401, "other": 401, "missing": 401},
        "household": {"own": 403, "other": 403, "missing": 403},
        "collector": {"own": 403, "other": 403, "missing": 403},
        "station": {"own": 403, "other": 403, "missing": 403},
        "plant": {"own": 403, "other": 403, "missing": 403},
        "producer": {"own": 403, "other": 403, "missing": 403},
        "operator": {"own": 200, "other": 200, "missing": 200},
        "regulator": {"own": 403, "other": 403, "missing": 403},
    },
    ("GET", "/api/reports/overview"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 403, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    # The tamper-evident custody log (issue 7): operators and regulators verify the whole
    # chain; the public key that checks the checkpoints is published to anybody.
    ("GET", "/api/custody/verify"): {
        "anonymous": {"own": 401, "other": NA, "missing": NA},
        "household": {"own": 403, "other": NA, "missing": NA},
        "collector": {"own": 403, "other": NA, "missing": NA},
        "station": {"own": 403, "other": NA, "missing": NA},
        "plant": {"own": 403, "other": NA, "missing": NA},
        "producer": {"own": 403, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
    ("GET", "/api/custody/public-key"): {
        "anonymous": {"own": 200, "other": NA, "missing": NA},
        "household": {"own": 200, "other": NA, "missing": NA},
        "collector": {"own": 200, "other": NA, "missing": NA},
        "station": {"own": 200, "other": NA, "missing": NA},
        "plant": {"own": 200, "other": NA, "missing": NA},
        "producer": {"own": 200, "other": NA, "missing": NA},
        "operator": {"own": 200, "other": NA, "missing": NA},
        "regulator": {"own": 200, "other": NA, "missing": NA},
    },
}
# fmt: on
MATRIX.update(MONEY_MATRIX)
BUILDERS.update(MONEY_BUILDERS)
if add_money not in WORLD_HOOKS:
    WORLD_HOOKS.append(add_money)
MATRIX.update(CREDIT_PARTNER_MATRIX)
BUILDERS.update(CREDIT_PARTNER_BUILDERS)
if add_credit_and_partners not in WORLD_HOOKS:
    WORLD_HOOKS.append(add_credit_and_partners)
MATRIX.update(SETTLEMENT_MATRIX)
BUILDERS.update(SETTLEMENT_BUILDERS)
MATRIX.update(CUSTODY_MATRIX)
BUILDERS.update(CUSTODY_BUILDERS)
PUBLIC_ROUTES = PUBLIC_ROUTES | CUSTODY_PUBLIC_ROUTES
if add_custody not in WORLD_HOOKS:
    WORLD_HOOKS.append(add_custody)
MATRIX.update(FOUND_UNITS_MATRIX)
BUILDERS.update(FOUND_UNITS_BUILDERS)
if add_found_units not in WORLD_HOOKS:
    WORLD_HOOKS.append(add_found_units)

# Cases where the code answers differently from the table above; each is a suspected bug.
BUGS: dict[tuple[str, str, str, str], str] = {}


def _matrix_cases() -> Iterator[Any]:
    for (method, path), rows in MATRIX.items():
        for role in EVERY_ROW:
            for case in CASES:
                status = rows[role][case]
                if status is None:
                    continue
                marks = []
                reason = BUGS.get((method, path, role, case))
                if reason is not None:
                    marks.append(pytest.mark.xfail(reason=reason, strict=True))
                yield pytest.param(
                    method,
                    path,
                    role,
                    case,
                    status,
                    marks=marks,
                    id=f"{method} {path} {role} {case}",
                )


# --- fixtures: one world per module, one savepoint per case ---------------------------


@pytest.fixture(scope="module")
def matrix(engine: Engine, database_url: str) -> Iterator[Matrix]:
    """The world built once for the module, a client on its connection, and the tokens."""
    with shared_world(engine, now=T0) as (connection, world):
        settings = Settings(
            env="test",
            database_url=database_url,
            secret_key="test-secret-key-0123456789",
            public_lookups_per_minute=100_000,  # every role looks up: not a throttle test
        )
        app = create_app(settings, clock=FrozenClock(T0))
        app.state.session_factory = savepoint_sessions(connection)
        app.state.single_write_sessions = None  # autocommit would escape the savepoint
        with TestClient(app, base_url="http://testserver") as client:
            tokens = {}
            for role, username in USERNAMES.items():
                answer = client.post(
                    "/api/auth/token", json={"username": username, "password": PASSWORD}
                )
                assert answer.status_code == 201, answer.text
                tokens[role] = answer.json()["token"]
            quiet = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
            yield Matrix(client, world, tokens, connection, quiet)


@pytest.fixture
def case(matrix: Matrix) -> Iterator[Matrix]:
    """The matrix, with everything the test writes rolled back afterwards."""
    savepoint = matrix.connection.begin_nested()
    try:
        yield matrix
    finally:
        savepoint.rollback()


# --- the matrix -------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "role", "case_name", "expected"), list(_matrix_cases()))
def test_route_answers_each_role_as_the_matrix_says(
    case: Matrix, method: str, path: str, role: str, case_name: str, expected: int
) -> None:
    builder_role = "operator" if role == "anonymous" else role
    call = BUILDERS[(method, path)](case.world, builder_role, case_name)
    public = (method, path) in PUBLIC_ROUTES
    answer = send(case, method, role, call, token=not public)
    assert answer.status_code == expected, answer.text
    if expected == 404:
        # Not found for every reason alike: the body never says "forbidden".
        assert answer.json()["code"].endswith("not_found")
    if expected == 403:
        assert answer.json()["code"] == "identity.missing_permission"
    if expected == 401:
        assert answer.json()["code"].startswith("identity.")


def _not_found_pairs() -> list[Any]:
    pairs = []
    for (method, path), rows in MATRIX.items():
        for role in ROLES:
            if rows[role]["other"] == rows[role]["missing"] == 404:
                reason = BUGS.get((method, path, role, "other"))
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                pairs.append(
                    pytest.param(method, path, role, marks=marks, id=f"{method} {path} {role}")
                )
    return pairs


@pytest.mark.parametrize(("method", "path", "role"), _not_found_pairs())
def test_another_organisations_object_looks_exactly_like_a_missing_one(
    case: Matrix, method: str, path: str, role: str
) -> None:
    bodies = []
    for case_name in ("other", "missing"):
        call = BUILDERS[(method, path)](case.world, role, case_name)
        savepoint = case.connection.begin_nested()
        try:
            bodies.append(send(case, method, role, call).json())
        finally:
            savepoint.rollback()
    other, missing = bodies
    assert other["code"] == missing["code"]
    assert set(other["data"]) == set(missing["data"])


def test_a_garbage_token_is_refused_on_every_protected_route(case: Matrix) -> None:
    refused = []
    for (method, path), rows in MATRIX.items():
        if rows["anonymous"]["own"] != 401:
            continue
        call = BUILDERS[(method, path)](case.world, "operator", "own")
        answer = case.client.request(
            method,
            call.path,
            json=call.json,
            params=call.params,
            headers={"Authorization": "Bearer ewt_not-a-real-token"},
        )
        if answer.status_code != 401 or answer.json()["code"] != "identity.invalid_token":
            refused.append(f"{method} {path}: {answer.status_code} {answer.text}")
    assert not refused, "\n".join(refused)


# --- what lists reveal ------------------------------------------------------------------

# role -> (side attributes whose ids must be listed, side attributes that must not be)
PICKUPS_SEEN: dict[str, tuple[set[tuple[str, str]], set[tuple[str, str]]]] = {
    "household": (
        {("a", "pickup_requested"), ("a", "pickup_assigned")},
        {("b", "pickup_requested"), ("b", "pickup_assigned")},
    ),
    "collector": (
        {("a", "pickup_assigned"), ("a", "pickup_collected")},
        {("a", "pickup_requested"), ("b", "pickup_assigned")},
    ),
    "operator": ({("a", "pickup_requested"), ("b", "pickup_requested")}, set()),
}
LOTS_SEEN: dict[str, tuple[set[tuple[str, str]], set[tuple[str, str]]]] = {
    "station": ({("a", "lot_listed"), ("a", "lot_sold")}, {("b", "lot_listed")}),
    "plant": (
        {("a", "lot_listed"), ("b", "lot_listed"), ("a", "lot_sold")},
        {("b", "lot_sold"), ("b", "lot_shipped")},
    ),
    "operator": ({("a", "lot_listed"), ("b", "lot_sold")}, set()),
    "regulator": ({("a", "lot_listed"), ("b", "lot_sold")}, set()),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "seen"),
    [("/api/pickups", PICKUPS_SEEN), ("/api/lots", LOTS_SEEN)],
    ids=["pickups", "lots"],
)
def test_lists_show_only_what_the_role_may_see(
    case: Matrix, path: str, seen: dict[str, Any], role: str
) -> None:
    answer = send(case, "GET", role, Call(path))
    assert answer.status_code == 200
    listed = {item["id"] for item in answer.json()}
    if role not in seen:
        assert listed == set()
        return
    present, absent = seen[role]
    for side, attribute in present:
        assert getattr(case.world.side(side), attribute) in listed, (side, attribute)
    for side, attribute in absent:
        assert getattr(case.world.side(side), attribute) not in listed, (side, attribute)


def test_a_statement_shows_only_the_callers_own_lines(case: Matrix) -> None:
    answer = send(case, "GET", "collector", Call("/api/accounts/me"))
    me = case.world.world.collector_a.organisation_id
    accounts = {line["account"] for line in answer.json()["lines"]}
    # An unscored collector's receipts are held in its pending account (settlement by tier).
    assert accounts == {f"org:{me}:available", f"org:{me}:pending"}


# --- the meta-test ----------------------------------------------------------------------


def test_every_api_route_is_in_the_matrix_and_nothing_else(matrix: Matrix) -> None:
    paths = matrix.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    served = {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api")
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    missing = sorted(served - MATRIX.keys())
    stale = sorted(MATRIX.keys() - served)
    problems = [f"route not in the matrix: {m} {p}" for m, p in missing]
    problems += [f"matrix entry for a route that no longer exists: {m} {p}" for m, p in stale]
    assert not problems, "\n".join(problems)


def test_every_matrix_entry_names_every_role_and_case_and_has_a_request() -> None:
    problems = []
    for route, rows in MATRIX.items():
        if set(rows) != set(EVERY_ROW):
            problems.append(f"{route}: rows {sorted(rows)}")
        problems += [
            f"{route} {r}: cases {sorted(rows[r])}" for r in rows if set(rows[r]) != set(CASES)
        ]
        if route not in BUILDERS:
            problems.append(f"{route}: no request builder")
    problems += [
        f"{key}: BUGS entry for no matrix case"
        for key in BUGS
        if MATRIX.get(key[:2], {}).get(key[2], {}).get(key[3]) is None
    ]
    assert not problems, "\n".join(problems)


# --- ids the database cannot hold ---------------------------------------------------------

# Routes that take an integer id, with a role whose "missing" case answers 404. An id
# beyond what the column can hold is a missing id too: it must never become a 500.
INTEGER_ID_ROUTES: dict[Route, str] = {
    ("GET", "/api/quotes/{quote_id}"): "household",
    ("POST", "/api/pickups"): "household",
    ("GET", "/api/pickups/{pickup_id}"): "household",
    ("POST", "/api/pickups/{pickup_id}/cancel"): "household",
    ("POST", "/api/pickups/{pickup_id}/assign"): "operator",
    ("POST", "/api/pickups/{pickup_id}/collect"): "collector",
    ("POST", "/api/pickups/{pickup_id}/set-out"): "collector",
    ("POST", "/api/pickups/{pickup_id}/adjustments"): "collector",
    ("GET", "/api/pickups/{pickup_id}/adjustments"): "household",
    ("POST", "/api/pickups/{pickup_id}/adjustments/decision"): "household",
    ("GET", "/api/lots/{lot_id}"): "station",
    ("POST", "/api/lots/{lot_id}/buy"): "plant",
    ("POST", "/api/lots/{lot_id}/ship"): "station",
    ("POST", "/api/lots/{lot_id}/receive"): "plant",
    ("GET", "/api/collectors/{collector_id}/route"): "operator",
    ("GET", "/api/claims/{claim_id}"): "plant",
    ("GET", "/api/claims/{claim_id}/csv"): "plant",
    ("GET", "/api/claims/{claim_id}/pdf"): "plant",
    ("POST", "/api/claims/{claim_id}/submit"): "plant",
    ("POST", "/api/claims/{claim_id}/decision"): "regulator",
    ("GET", "/api/reports/producers/{producer_id}"): "operator",
    ("POST", "/api/pickups/{pickup_id}/offers"): "operator",
    ("POST", "/api/offers/{offer_id}/accept"): "collector",
    ("POST", "/api/offers/{offer_id}/decline"): "collector",
    ("GET", "/api/plants/{plant_id}/licences"): "plant",
    ("GET", "/api/plants/{plant_id}/capacity"): "plant",
    ("POST", "/api/assessments/{assessment_id}/review"): "operator",
    ("POST", "/api/lots/{lot_id}/bids"): "plant",
    ("GET", "/api/lots/{lot_id}/auction"): "plant",
    ("POST", "/api/standing-bids/{bid_id}/withdraw"): "plant",
    ("GET", "/api/contracts/{contract_id}"): "plant",
    ("GET", "/api/lots/{lot_id}/discrepancy"): "plant",
    ("POST", "/api/lots/{lot_id}/discrepancy/decision"): "operator",
}
INTEGER_ID_ROUTES.update(MONEY_INTEGER_ID_ROUTES)
INTEGER_ID_ROUTES.update(CUSTODY_INTEGER_ID_ROUTES)
INTEGER_ID_ROUTES.update(FOUND_UNITS_INTEGER_ID_ROUTES)
INTEGER_ID_ROUTES.update(CREDIT_PARTNER_INTEGER_ID_ROUTES)
INTEGER_ID_ROUTES.update(SETTLEMENT_INTEGER_ID_ROUTES)
# Ids beyond what a row id can be (PostgreSQL integer: 2^31 - 1) are refused as invalid
# input by the API's declared id types, on both databases, before any query runs.
OVERSIZED_IDS = [pytest.param(2**31, id="2^31"), pytest.param(2**63, id="2^63")]


@pytest.mark.parametrize("oversized", OVERSIZED_IDS)
@pytest.mark.parametrize(
    ("method", "path"), list(INTEGER_ID_ROUTES), ids=[f"{m} {p}" for m, p in INTEGER_ID_ROUTES]
)
def test_an_id_beyond_the_columns_range_is_refused_as_invalid_input(
    case: Matrix, method: str, path: str, oversized: int
) -> None:
    role = INTEGER_ID_ROUTES[(method, path)]
    call = BUILDERS[(method, path)](case.world, role, "missing")
    body = {k: oversized if v == MISSING_ID else v for k, v in (call.json or {}).items()}
    answer = case.quiet.request(
        method,
        call.path.replace(str(MISSING_ID), str(oversized)),
        json=body if call.json is not None else None,
        params=call.params,
        headers={"Authorization": f"Bearer {case.tokens[role]}"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid_input"


@pytest.mark.parametrize("oversized", OVERSIZED_IDS)
def test_a_collector_id_beyond_the_columns_range_is_not_a_collector(
    case: Matrix, oversized: int
) -> None:
    answer = case.quiet.post(
        "/api/station-receipts",
        json={"collector_id": oversized, "unit_codes": [case.world.a.unit_with_collector]},
        headers={"Authorization": f"Bearer {case.tokens['station']}"},
    )
    assert answer.status_code == 422, answer.text


def test_every_route_with_an_integer_path_id_is_probed_with_oversized_ids(matrix: Matrix) -> None:
    paths = matrix.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    with_integer_ids = {
        (method.upper(), path)
        for path, operations in paths.items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["schema"].get("type") == "integer"
    }
    assert with_integer_ids <= INTEGER_ID_ROUTES.keys()
