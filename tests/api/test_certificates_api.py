"""Certificates and the public chain over HTTP: a household's certificate of recycling
whose QR code opens a public page showing the chain without personal data; the data-wipe
certificate; "where did my item go?" by receipt code; reserved codes, labels and the sync."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ewaste import compliance, custody, identity
from ewaste.config import Settings
from ewaste.kernel.clock import FrozenClock
from ewaste.web.app import create_app
from tests.api.helpers import token
from tests.certificates import certify, sign_requests
from tests.factories import World, assign_to, book, build_world, collect

CONTACT_NAME, CONTACT_PHONE, ADDRESS = "李女士", "13800138000", "福田区深南大道1号"


def _dismantled_from_a_pickup(
    session: Session,
    world: World,
    clock: FrozenClock,
    category: str = "tv_flat",
    *,
    dismantle: bool = True,
) -> str:
    """A household's item booked with name, phone and address, collected, delivered,
    shipped, received and dismantled over the next 4 hours; returns its unit code."""
    now = clock.now()
    pickup = book(session, world.household_a, now=now, items={category: 1}, address=ADDRESS)
    code = collect(session, world, pickup, now=now).unit_codes[0]
    collector_org = custody.units_by_codes(session, [code])[0].holder_id
    collector = (
        world.collector_a
        if collector_org == world.collector_a.organisation_id
        else world.collector_b
    )
    station, plant = world.station_a, world.plant_a
    for kind, giver, taker, actor, minutes in (
        (custody.HandoverKind.DELIVER, collector, station, station, 60),
        (custody.HandoverKind.SHIP, station, plant, station, 120),
        (custody.HandoverKind.RECEIVE, station, plant, plant, 180),
    ):
        custody.hand_over(
            session,
            actor=actor,
            unit_codes=[code],
            handover=custody.Handover(
                kind=kind,
                from_id=giver.organisation_id,
                to_id=taker.organisation_id,
                at=now + timedelta(minutes=minutes),
                place=None,
                ref="test",
            ),
        )
    if not dismantle:
        return code
    door = custody.units_by_codes(session, [code])[0].door_grams
    compliance.record_dismantling(
        session,
        actor=plant,
        unit_code=code,
        line="L1",
        fractions={"ferrous": door // 3, "plastics": door // 3},
        now=now + timedelta(minutes=240),
        evidence="cam:1",
    )
    return code


def _qr_modules_in_pdf(pdf: bytes) -> list[list[bool]]:
    """The QR code drawn in a PDF page as filled rectangles, read back as a module matrix."""
    rects: list[tuple[float, float, float, float]] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text = zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue
        for x, y, w, h in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re f", text):
            rects.append((float(x), float(y), float(w), float(h)))
    cell = min(abs(h) for _, _, _, h in rects)
    left, top = min(r[0] for r in rects), max(r[1] for r in rects)
    size = round((top - min(r[1] for r in rects)) / cell) + 1
    matrix = [[False] * size for _ in range(size)]
    for x, y, w, _ in rects:
        row = round((top - y) / cell)
        for column in range(round((x - left) / cell), round((x + w - left) / cell)):
            matrix[row][column] = True
    return matrix


def test_a_certificates_qr_opens_a_verification_page_that_shows_the_chain_without_personal_data(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    code = _dismantled_from_a_pickup(session, world, clock)
    session.commit()
    household = token(app_client, "home-a")

    # The web only records the request: the worker, which holds the key, signs it.
    asked = app_client.post(f"/api/units/{code}/certificate", headers=household)
    assert asked.status_code == 202, asked.text
    assert (asked.json()["kind"], asked.json()["status"]) == ("recycling", "requested")
    assert re.fullmatch(r"CT[0-9A-Z]{16}", asked.json()["code"])
    pending = app_client.get(asked.json()["certificate_url"])
    assert (pending.status_code, pending.json()["code"]) == (409, "custody.certificate_pending")
    waiting = app_client.get(urlsplit(asked.json()["verify_url"]).path)
    assert waiting.status_code == 202
    assert 'id="certificate-pending"' in waiting.text
    assert '<meta http-equiv="refresh" content="3">' in waiting.text
    session.expire_all()
    assert sign_requests(session, now=clock.now()) == 1
    session.commit()
    again = app_client.post(f"/api/units/{code}/certificate", headers=household)
    assert (again.status_code, again.json()["status"]) == (200, "issued")
    assert again.json()["code"] == asked.json()["code"]  # issued once
    certificate = app_client.get(asked.json()["certificate_url"]).json()["certificate"]
    assert certificate["valid"] is True
    assert certificate["kind"] == "recycling"

    # The PDF needs no login; its QR code is the code of the verification URL.
    pdf = app_client.get(urlsplit(certificate["pdf_url"]).path)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    drawn = _qr_modules_in_pdf(pdf.content)
    payload = certificate["verify_url"]
    assert drawn == [[bool(m) for m in row] for row in custody.qr_code(payload).matrix]
    assert payload == f"http://testserver/verify/{certificate['code']}"

    page = app_client.get(urlsplit(payload).path)  # no login: a stranger scans the QR
    assert page.status_code == 200
    html = page.text
    for step in ("unit:collect:door", "unit:deliver:station", "unit:receive:plant"):
        assert f'data-kind="{step}"' in html
    assert 'data-kind="unit:dismantle:record"' in html
    assert 'data-valid="true"' in html
    assert world_names(session, world, "plant_a")[1] in html  # the Chinese page: 中文名
    for personal in (CONTACT_NAME, CONTACT_PHONE, ADDRESS, "home-a"):
        assert personal not in html
    for anonymous in ("household_a", "collector_a"):
        for name in world_names(session, world, anonymous):
            assert name not in html

    verified = app_client.get(f"/api/certificates/{certificate['code']}").json()
    assert verified["certificate"]["valid"] is True
    assert [s["kind"] for s in verified["unit"]["steps"]][-1] == "unit:dismantle:record"
    assert verified["unit"]["steps"][0]["giver"] == {
        "role": "household",
        "name": "",
        "name_zh": "",
        "district": "",
    }
    for personal in (CONTACT_NAME, CONTACT_PHONE, ADDRESS):
        assert personal not in str(verified)


def world_names(session: Session, world: World, attribute: str) -> tuple[str, str]:
    """The organisation's English and Chinese names (the Chinese falls back to English)."""
    row = identity.organisation_row(session, getattr(world, attribute).organisation_id)
    assert row is not None
    return row.name, row.name_zh or row.name


def test_a_plant_records_a_phones_data_wipe_and_the_household_tracks_it_by_receipt(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    code = _dismantled_from_a_pickup(
        session, world, clock, category="mobile_phone", dismantle=False
    )
    tv = _dismantled_from_a_pickup(session, world, clock)
    session.commit()
    clock.advance(timedelta(hours=6))
    plant, household = token(app_client, "plant-a"), token(app_client, "home-a")
    wiped_at = (clock.now() - timedelta(hours=1)).isoformat()
    body = {"method": "crypto_erase", "operator_ref": "BADGE-0042", "wiped_at": wiped_at}
    for when in (clock.now() - timedelta(hours=5), clock.now() + timedelta(hours=1)):
        early = app_client.post(
            f"/api/units/{code}/data-wipe",
            headers=plant,
            json={**body, "wiped_at": when.isoformat()},
        )
        assert (early.status_code, early.json()["code"]) == (422, "custody.invalid_wipe")

    asked = app_client.post(f"/api/units/{code}/data-wipe", headers=plant, json=body)
    assert (asked.status_code, asked.json()["status"]) == (202, "requested"), asked.text
    retried = app_client.post(f"/api/units/{code}/data-wipe", headers=plant, json=body)
    assert (retried.status_code, retried.json()["code"]) == (202, asked.json()["code"])
    session.expire_all()
    assert sign_requests(session, now=clock.now()) == 1
    session.commit()
    wiped = app_client.get(asked.json()["certificate_url"])
    assert wiped.status_code == 200, wiped.text
    certified = wiped.json()["certificate"]
    assert (certified["kind"], certified["method"], certified["valid"]) == (
        "data_wipe",
        "crypto_erase",
        True,
    )
    twice = app_client.post(f"/api/units/{code}/data-wipe", headers=plant, json=body)
    assert (twice.status_code, twice.json()["code"]) == (409, "custody.already_wiped")
    not_a_phone = app_client.post(f"/api/units/{tv}/data-wipe", headers=plant, json=body)
    assert (not_a_phone.status_code, not_a_phone.json()["code"]) == (
        422,
        "custody.not_data_bearing",
    )
    by_household = app_client.post(f"/api/units/{tv}/data-wipe", headers=household, json=body)
    assert by_household.status_code == 403

    receipt = app_client.get(f"/api/units/{code}/receipt", headers=household)
    assert receipt.status_code == 200, receipt.text
    receipt_code = receipt.json()["receipt_code"]
    assert re.fullmatch(r"RC[0-9A-Z]{12}", receipt_code)
    assert app_client.get(f"/api/units/{code}/receipt", headers=plant).status_code == 404

    tracked = app_client.get(f"/api/receipts/{receipt_code.lower()}")  # no login, any case
    assert tracked.status_code == 200
    assert [c["kind"] for c in tracked.json()["certificates"]] == ["data_wipe"]
    assert tracked.json()["steps"][-1]["receiver"]["role"] == "plant"
    missing = app_client.get("/api/receipts/RCZZZZZZZZZZZZ")
    assert (missing.status_code, missing.json()["code"]) == (404, "custody.receipt_not_found")
    page = app_client.get(urlsplit(receipt.json()["lookup_url"]).path)
    assert page.status_code == 200
    assert "BADGE-0042" not in page.text  # the wipe's details are on the certificate's page
    assert f"/verify/{certified['code']}" in page.text
    for personal in (CONTACT_NAME, CONTACT_PHONE, ADDRESS):
        assert personal not in page.text
    assert app_client.get("/track/RCZZZZZZZZZZZZ").status_code == 404
    assert app_client.get("/verify/CTZZZZZZZZZZZZZZZZ").status_code == 404


def test_a_certificate_before_dismantling_is_refused(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    pickup = book(session, world.household_a, now=clock.now())
    code = collect(session, world, pickup, now=clock.now()).unit_codes[0]
    session.commit()
    answer = app_client.post(f"/api/units/{code}/certificate", headers=token(app_client, "home-a"))
    assert (answer.status_code, answer.json()["code"]) == (409, "custody.not_yet_recycled")


def test_a_collector_reserves_codes_prints_labels_and_syncs_a_door_collection(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    pickup = book(session, world.household_a, now=clock.now())
    assign_to(session, world, pickup.id, world.collector_a, now=clock.now())
    session.commit()
    collector = token(app_client, "col-a")

    block = app_client.post("/api/unit-codes/blocks", headers=collector, json={"count": 22})
    assert block.status_code == 201, block.text
    codes = block.json()["codes"]
    assert len(set(codes)) == 22
    labels = app_client.get(block.json()["labels_pdf"], headers=collector)
    assert labels.headers["content-type"] == "application/pdf"
    assert labels.content.count(b"/Type /Page\n") == 2  # 21 labels a sheet
    other = token(app_client, "col-b")
    assert app_client.get(block.json()["labels_pdf"], headers=other).status_code == 404
    too_many = app_client.post("/api/unit-codes/blocks", headers=collector, json={"count": 501})
    assert too_many.status_code == 422

    record = {
        "record_id": "2f6c-door-1",
        "kind": "collect",
        "device_at": (clock.now() + timedelta(minutes=75)).isoformat(),
        "pickup_id": pickup.id,
        "tags": [{"code": codes[0].lower(), "category": "tv_flat", "grams": 10_100}],
        "evidence": "photo:door",
    }
    clock.advance(timedelta(hours=3))  # signal again: the collector syncs
    synced = app_client.post("/api/sync", headers=collector, json={"records": [record]})
    assert synced.status_code == 200, synced.text
    assert synced.json()["results"] == [
        {
            "record_id": "2f6c-door-1",
            "status": "applied",
            "unit_codes": [codes[0]],
            "code": "",
            "message": "",
        }
    ]
    resent = app_client.post("/api/sync", headers=collector, json={"records": [record]})
    assert resent.json()["results"][0]["status"] == "already_synced"
    listed = app_client.get("/api/unit-codes/blocks", headers=collector).json()
    assert [(b["size"], b["used"]) for b in listed] == [(22, 1)]
    empty = app_client.post("/api/sync", headers=collector, json={"records": []})
    assert empty.status_code == 422


def test_the_web_verifies_with_the_configured_public_key_and_holds_no_private_key(
    settings: Settings,
    session_factory: sessionmaker[Session],
    session: Session,
    clock: FrozenClock,
) -> None:
    # A web process given only a public key — here another one than the worker signs with.
    other = custody.Signer.from_seed(bytes(range(32))).public_key
    web = create_app(settings.model_copy(update={"custody_public_key": other.base64}), clock=clock)
    web.state.session_factory = session_factory
    web.state.single_write_sessions = None
    world = build_world(session, now=clock.now())
    code = _dismantled_from_a_pickup(session, world, clock)
    certificate = certify(session, actor=world.household_a, unit_code=code, now=clock.now())
    session.commit()
    with TestClient(web, base_url="http://testserver") as client:
        published = client.get("/api/custody/public-key").json()
        assert (published["public_key"], published["key_id"]) == (other.base64, other.key_id)
        verified = client.get(f"/api/certificates/{certificate.code}").json()
        assert (verified["certificate"]["valid"], verified["certificate"]["problem"]) == (
            False,
            "signature",
        )


def test_a_production_web_starts_only_with_a_public_key_that_parses(settings: Settings) -> None:
    production = settings.model_copy(
        update={"env": "production", "session_cookie_secure": True, "secret_key": "x" * 40}
    )
    with pytest.raises(custody.InvalidSigningKey, match="EWASTE_CUSTODY_PUBLIC_KEY"):
        create_app(production)
    with pytest.raises(custody.InvalidSigningKey):
        create_app(production.model_copy(update={"custody_public_key": "not a key"}))
    key = custody.Signer.from_seed(bytes(range(32))).public_key.base64
    assert create_app(production.model_copy(update={"custody_public_key": key})) is not None
