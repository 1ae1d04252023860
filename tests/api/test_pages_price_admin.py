"""Pages: the operator enters price versions one by one or from a CSV file."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import pricing
from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import csrf_from, login_as
from tests.factories import World, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def _version(token: str, **overrides: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "kind": "commodity",
        "key": "copper_motor_wire",
        "region": "shenzhen",
        "value": "41.50",
        "effective_from": "2026-12-01",
        "source": "SMM copper close 2026-11-30",
        "estimate": "yes",
    }
    data.update(overrides)
    return data


def _count(session: Session) -> int:
    return len(pricing.price_history(session, limit=100_000))


def _manage_token(client: TestClient) -> str:
    page = client.get("/prices/manage")
    assert page.status_code == 200, page.text
    return csrf_from(page.text)


def test_the_operator_adds_a_version_and_sees_it_in_the_history(
    app_client: TestClient, world: World, session: Session
) -> None:
    login_as(app_client, "operator")
    assert 'href="/prices/manage"' in app_client.get("/").text
    assert 'href="/prices/manage"' in app_client.get("/prices").text
    token = _manage_token(app_client)
    answer = app_client.post("/prices/manage/version", data=_version(token), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    [latest] = pricing.price_history(session, limit=1)
    assert answer.headers["location"] == f"/prices/manage#version-{latest.id}"
    assert (latest.kind, latest.key, latest.region, latest.micro_yuan) == (
        "commodity",
        "copper_motor_wire",
        "shenzhen",
        41_500_000,
    )
    assert latest.estimate
    # Midnight China time is 16:00 UTC the day before.
    assert latest.effective_from.isoformat() == "2026-11-30T16:00:00+00:00"
    page = app_client.get("/prices/manage").text
    assert f'<tr id="version-{latest.id}">' in page
    assert "SMM copper close 2026-11-30" in page
    assert "2026-12-01 00:00" in page


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"value": "abc"}, "价格录入被拒绝"),
        ({"kind": "nonsense"}, "价格录入被拒绝"),
        ({"effective_from": "1 Dec"}, "YYYY-MM-DD"),
        ({"source": " "}, "请填写所有必填项"),
    ],
)
def test_a_bad_version_is_refused_beside_the_form_and_nothing_is_stored(
    app_client: TestClient,
    world: World,
    session: Session,
    override: dict[str, str],
    message: str,
) -> None:
    login_as(app_client, "operator")
    token = _manage_token(app_client)
    before = _count(session)
    answer = app_client.post("/prices/manage/version", data=_version(token, **override))
    assert answer.status_code == 422, answer.text
    assert message in answer.text
    assert 'role="alert"' in answer.text
    assert _count(session) == before


CSV_OK = (
    "kind,key,region,value,effective_from,source,estimate\n"
    "commodity,copper_motor_wire,shenzhen,41.20,2026-12-01,SMM 2026-11-30,false\n"
    "commodity,steel_scrap,shenzhen,2.05,2026-12-01,Mysteel 2026-11-30,true\n"
)


def test_a_csv_file_is_imported(app_client: TestClient, world: World, session: Session) -> None:
    login_as(app_client, "operator", lang="en")
    token = _manage_token(app_client)
    before = _count(session)
    answer = app_client.post(
        "/prices/manage/import",
        data={"csrf_token": token},
        files={"file": ("prices.csv", CSV_OK.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/prices/manage?imported=2#import"
    assert _count(session) == before + 2
    page = app_client.get(answer.headers["location"]).text
    assert "2 versions imported." in page
    assert "Mysteel 2026-11-30" in page


def test_a_bad_csv_line_is_named_and_nothing_is_stored(
    app_client: TestClient, world: World, session: Session
) -> None:
    login_as(app_client, "operator")
    token = _manage_token(app_client)
    before = _count(session)
    bad = CSV_OK + "commodity,steel_scrap,shenzhen,cheap,2026-12-01,guess,false\n"
    answer = app_client.post(
        "/prices/manage/import",
        data={"csrf_token": token},
        files={"file": ("prices.csv", bad.encode(), "text/csv")},
    )
    assert answer.status_code == 422, answer.text
    assert "价格录入被拒绝" in answer.text
    assert "line 4" in answer.text
    assert _count(session) == before


def test_an_empty_upload_is_refused(app_client: TestClient, world: World) -> None:
    login_as(app_client, "operator", lang="en")
    token = _manage_token(app_client)
    answer = app_client.post(
        "/prices/manage/import",
        data={"csrf_token": token},
        files={"file": ("prices.csv", b"", "text/csv")},
    )
    assert answer.status_code == 422
    assert "Choose a CSV file to upload." in answer.text


def test_a_household_can_neither_see_nor_post_the_price_forms(
    app_client: TestClient, world: World, session: Session
) -> None:
    token = login_as(app_client, "home-a")
    assert app_client.get("/prices/manage").status_code == 403
    assert 'href="/prices/manage"' not in app_client.get("/prices").text
    before = _count(session)
    answer = app_client.post("/prices/manage/version", data=_version(token))
    assert answer.status_code == 403
    assert "您的角色无权执行此操作" in answer.text
    answer = app_client.post(
        "/prices/manage/import",
        data={"csrf_token": token},
        files={"file": ("prices.csv", CSV_OK.encode(), "text/csv")},
    )
    assert answer.status_code == 403
    assert _count(session) == before


def test_the_price_forms_need_the_csrf_token(
    app_client: TestClient, world: World, session: Session
) -> None:
    login_as(app_client, "operator")
    before = _count(session)
    answer = app_client.post("/prices/manage/version", data=_version("forged"))
    assert answer.status_code == 403
    assert _count(session) == before


def test_the_manage_page_in_english(app_client: TestClient, world: World) -> None:
    login_as(app_client, "operator", lang="en")
    page = app_client.get("/prices/manage").text
    assert "<h1>Manage prices</h1>" in page
    assert "Commodity price per kg" in page
