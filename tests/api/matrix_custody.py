"""The routes of reserved unit codes, the offline sync and certificates in the authorization
matrix (issue 7, points 1 and 5; ADR 0016).

`add_custody` (a hook of `build_matrix_world`) adds on each side: a block of codes reserved
by the collector, a phone the station received (for the data wipe), the household's
certificate of recycling of its dismantled unit (`unit_flagged`), the receipt code of
its unit still with the collector, and for the corrections route a custody event each of
the collector, the station and the plant took part in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import custody, exchange
from tests.api.matrix_world import (
    MISSING_ID,
    MISSING_UNIT_CODE,
    SIDE_PLACE,
    Builder,
    Call,
    MatrixWorld,
    Route,
)
from tests.certificates import certify
from tests.conftest import T0
from tests.factories import book, collect

NA = None
Row = dict[str, int | None]
ROLES = ("household", "collector", "station", "plant", "producer", "operator", "regulator")
MISSING_CERTIFICATE = "CTZZZZZZZZZZZZZZZZ"
MISSING_RECEIPT = "RCZZZZZZZZZZZZ"


def add_custody(session: Session, mw: MatrixWorld, now: datetime) -> None:
    """Per side: a reserved block, a phone at the station, a certificate, a receipt code."""
    world = mw.world
    signer = custody.load_signer("", env="test")  # the settings of the matrix: no key
    for side in ("a", "b"):
        collector = world.by_role("collector", side)
        household = world.by_role("household", side)
        block = custody.reserve_unit_codes(session, actor=collector, count=2, now=now)
        mw.extra[f"block:{side}"] = block.id
        pickup = book(session, household, now=now, at=SIDE_PLACE[side], items={"mobile_phone": 1})
        done = collect(session, world, pickup, now=now)
        exchange.receive_at_station(
            session,
            actor=world.by_role("station", side),
            collector_id=collector.organisation_id,
            unit_codes=list(done.unit_codes),
            now=now,
        )
        mw.extra[f"phone:{side}"] = done.unit_codes[0]
        certificate = certify(
            session,
            actor=household,
            unit_code=mw.side(side).unit_flagged,
            signer=signer,
            now=now,
        )
        mw.extra[f"certificate:{side}"] = certificate.code
        mw.extra[f"receipt:{side}"] = custody.receipt_code_of(
            session, actor=household, unit_code=mw.side(side).unit_with_collector
        )
        auditor = world.by_role("operator", "a")
        for role, code in (
            ("collector", mw.side(side).unit_with_collector),
            ("station", mw.side(side).unit_at_station),
            ("plant", mw.side(side).unit_at_plant),
        ):
            steps = custody.trace_unit(session, actor=auditor, unit_code=code).steps
            # The latest step: the handover to the collector, the station or the plant.
            mw.extra[f"event:{role}:{side}"] = steps[-1].event_id


def _extra(mw: MatrixWorld, case: str, name: str, missing: object) -> object:
    if case == "missing":
        return missing
    return mw.extra[f"{name}:{'a' if case == 'own' else 'b'}"]


def _unit(mw: MatrixWorld, case: str, attribute: str) -> str:
    if case == "missing":
        return MISSING_UNIT_CODE
    return str(getattr(mw.side("a" if case == "own" else "b"), attribute))


_UNIT_BY_ROLE = {"station": "unit_at_station", "plant": "unit_at_plant"}


def _sync(mw: MatrixWorld, role: str, case: str) -> Call:
    record = {
        "record_id": f"matrix-{role}",
        "kind": "deliver",
        "device_at": T0.isoformat(),
        "collector_id": mw.world.collector_a.organisation_id,
        "unit_codes": [mw.a.unit_with_collector],
    }
    return Call("/api/sync", {"records": [record]})


def _wipe(mw: MatrixWorld, role: str, case: str) -> Call:
    code = str(_extra(mw, case, "phone", MISSING_UNIT_CODE))
    body = {"method": "overwrite", "operator_ref": "BADGE-7", "wiped_at": T0.isoformat()}
    return Call(f"/api/units/{code}/data-wipe", body)


def _correction(mw: MatrixWorld, role: str, case: str) -> Call:
    party = role if role in ("collector", "station", "plant") else "collector"
    event_id = _extra(mw, case, f"event:{party}", MISSING_ID)
    return Call(
        f"/api/custody/events/{event_id}/corrections", {"reason": "scale misread", "grams": 1234}
    )


CUSTODY_BUILDERS: dict[Route, Builder] = {
    ("POST", "/api/custody/events/{event_id}/corrections"): _correction,
    ("GET", "/api/custody/keys"): lambda mw, role, case: Call("/api/custody/keys"),
    ("POST", "/api/unit-codes/blocks"): lambda mw, role, case: Call(
        "/api/unit-codes/blocks", {"count": 3}
    ),
    ("GET", "/api/unit-codes/blocks"): lambda mw, role, case: Call("/api/unit-codes/blocks"),
    ("GET", "/api/unit-codes/blocks/{block_id}/labels.pdf"): lambda mw, role, case: Call(
        f"/api/unit-codes/blocks/{_extra(mw, case, 'block', MISSING_ID)}/labels.pdf"
    ),
    ("POST", "/api/sync"): _sync,
    ("POST", "/api/units/{unit_code}/certificate"): lambda mw, role, case: Call(
        f"/api/units/{_unit(mw, case, 'unit_flagged')}/certificate"
    ),
    ("POST", "/api/units/{unit_code}/data-wipe"): _wipe,
    ("GET", "/api/units/{unit_code}/receipt"): lambda mw, role, case: Call(
        f"/api/units/{_unit(mw, case, _UNIT_BY_ROLE.get(role, 'unit_with_collector'))}/receipt"
    ),
    ("GET", "/api/certificates/{certificate_code}"): lambda mw, role, case: Call(
        f"/api/certificates/{_extra(mw, case, 'certificate', MISSING_CERTIFICATE)}"
    ),
    ("GET", "/api/certificates/{certificate_code}/pdf"): lambda mw, role, case: Call(
        f"/api/certificates/{_extra(mw, case, 'certificate', MISSING_CERTIFICATE)}/pdf"
    ),
    ("GET", "/api/receipts/{receipt_code}"): lambda mw, role, case: Call(
        f"/api/receipts/{_extra(mw, case, 'receipt', MISSING_RECEIPT)}"
    ),
}


def _rows(anonymous: Row, **roles: Row) -> dict[str, Row]:
    return {"anonymous": anonymous, **roles}


def _same(own: int | None, other: int | None = NA, missing: int | None = NA) -> Row:
    return {"own": own, "other": other, "missing": missing}


_NO_OBJECT_401 = _same(401)
_PUBLIC = {role: _same(200, 200, 404) for role in ("anonymous", *ROLES)}
_OBJECT_401 = _same(401, 401, 401)

# fmt: off
CUSTODY_MATRIX: dict[Route, dict[str, Row]] = {
    # Only collectors reserve codes (the role is checked first: 403); anyone lists its own
    # organisation's blocks (none but a collector has any); a block's labels are for its
    # own collector only (another's block is a missing one).
    ("POST", "/api/unit-codes/blocks"): _rows(
        _NO_OBJECT_401, collector=_same(201),
        **{r: _same(403) for r in ROLES if r != "collector"},
    ),
    ("GET", "/api/unit-codes/blocks"): _rows(_NO_OBJECT_401, **{r: _same(200) for r in ROLES}),
    ("GET", "/api/unit-codes/blocks/{block_id}/labels.pdf"): _rows(
        _OBJECT_401, collector=_same(200, 404, 404),
        **{r: _same(404, 404, 404) for r in ROLES if r != "collector"},
    ),
    # The sync answers per record: a record the caller may not apply is refused inside a
    # 200 (with its stable code); the batch itself needs only a login.
    ("POST", "/api/sync"): _rows(_NO_OBJECT_401, **{r: _same(200) for r in ROLES}),
    # A certificate of recycling: whoever may see the unit's chain (its household, the
    # parties that handled it, auditors); a unit of the other side is a missing one.
    ("POST", "/api/units/{unit_code}/certificate"): _rows(
        _OBJECT_401,
        household=_same(200, 404, 404), collector=_same(200, 404, 404),
        station=_same(200, 404, 404), plant=_same(200, 404, 404),
        producer=_same(404, 404, 404),
        operator=_same(200, 200, 404), regulator=_same(200, 200, 404),
    ),
    # A data wipe by the plant or station holding the phone (role first: 403). The phone
    # is at side a's station: plant a never handled it (404).
    ("POST", "/api/units/{unit_code}/data-wipe"): _rows(
        _OBJECT_401,
        household=_same(403, 403, 403), collector=_same(403, 403, 403),
        station=_same(202, 404, 404), plant=_same(404, 404, 404),
        producer=_same(403, 403, 403), operator=_same(403, 403, 403),
        regulator=_same(403, 403, 403),
    ),
    # The receipt code: the unit's own household and auditors only; a collector, station
    # or plant that handled the unit gets 404, as for a unit it never saw.
    ("GET", "/api/units/{unit_code}/receipt"): _rows(
        _OBJECT_401,
        household=_same(200, 404, 404), collector=_same(404, 404, 404),
        station=_same(404, 404, 404), plant=_same(404, 404, 404),
        producer=_same(404, 404, 404),
        operator=_same(200, 200, 404), regulator=_same(200, 200, 404),
    ),
    # A correction of a custody event (ADR 0013): a collector, station or plant corrects
    # an event its organisation gave or received; operators any event; nobody else, and
    # another organisation's event is a missing one.
    ("POST", "/api/custody/events/{event_id}/corrections"): _rows(
        _OBJECT_401,
        household=_same(404, 404, 404), collector=_same(201, 404, 404),
        station=_same(201, 404, 404), plant=_same(201, 404, 404),
        producer=_same(404, 404, 404),
        operator=_same(201, 201, 404), regulator=_same(404, 404, 404),
    ),
    # The published signing keys, like the public key: no login.
    ("GET", "/api/custody/keys"): {r: _same(200) for r in ("anonymous", *ROLES)},
    # Public, no login: the ids are unguessable; a missing one is 404 for everybody.
    ("GET", "/api/certificates/{certificate_code}"): _PUBLIC,
    ("GET", "/api/certificates/{certificate_code}/pdf"): _PUBLIC,
    ("GET", "/api/receipts/{receipt_code}"): _PUBLIC,
}
# fmt: on

CUSTODY_PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/api/certificates/{certificate_code}"),
        ("GET", "/api/certificates/{certificate_code}/pdf"),
        ("GET", "/api/receipts/{receipt_code}"),
        ("GET", "/api/custody/keys"),
    }
)
CUSTODY_INTEGER_ID_ROUTES: dict[Route, str] = {
    ("GET", "/api/unit-codes/blocks/{block_id}/labels.pdf"): "collector",
    ("POST", "/api/custody/events/{event_id}/corrections"): "operator",
}
