"""The partner page in both languages: operators see the cap table and download it; a
partner sees its grants; a collector not yet a partner is told how to become one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.test_pages_auth import csrf_from, login_as
from tests.factories import build_world
from tests.integration.test_partner_options import partner_world


@pytest.mark.parametrize(
    ("lang", "heading", "others", "holder"),
    [
        ("zh_CN", "合伙人期权池", "其他股东", ">col-a<"),
        ("en", "Partner option pool", "Other shareholders", ">Col-A<"),
    ],
)
def test_operators_see_the_cap_table(
    app_client: TestClient, session: Session, lang: str, heading: str, others: str, holder: str
) -> None:
    world = partner_world(session)
    session.flush()
    login_as(app_client, "operator", lang=lang)
    page = app_client.get("/partners")
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert others in page.text
    assert f'id="partner-{world.collector_a.organisation_id}"' in page.text
    assert "20.00 %" in page.text
    assert holder in page.text  # the holder named in the page's language
    csv = app_client.get("/partners/cap-table.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[-1].startswith("total,")


def test_a_partner_sees_its_grants_and_others_are_told(
    app_client: TestClient, session: Session
) -> None:
    partner_world(session)
    session.flush()
    login_as(app_client, "col-a", lang="en")
    page = app_client.get("/partners")
    assert page.status_code == 200
    assert "Your grants" in page.text
    assert "Monthly, by volume" in page.text
    assert app_client.get("/partners/cap-table.csv").status_code == 404
    app_client.cookies.clear()
    login_as(app_client, "col-b", lang="zh_CN")
    assert "您还不是合伙人" in app_client.get("/partners").text
    app_client.cookies.clear()
    login_as(app_client, "plant-a", lang="en")
    assert app_client.get("/partners").status_code == 403


def test_an_operator_is_told_when_there_is_no_pool(
    app_client: TestClient, session: Session, clock
) -> None:
    build_world(session, now=clock.now())
    session.flush()
    login_as(app_client, "operator", lang="en")
    page = app_client.get("/partners")
    assert "has not been set up" in page.text
    assert app_client.get("/partners/cap-table.csv").status_code == 404


POOL_FORM = {
    "total_shares": "10000000",
    "cap_shares": "2000000",
    "threshold_kg": "1000",
    "qualify_months": "3",
    "monthly_grant_shares": "100000",
    "vesting_months": "48",
    "cliff_months": "12",
    "inactive_months": "3",
}


@pytest.mark.parametrize(
    ("lang", "refusal"), [("zh_CN", "期权池股数"), ("en", "Pool size in shares")]
)
def test_an_operator_sets_up_the_pool_from_the_page_and_is_refused_above_20_percent(
    app_client: TestClient, session: Session, clock, lang: str, refusal: str
) -> None:
    build_world(session, now=clock.now())
    session.flush()
    login_as(app_client, "operator", lang=lang)
    page = app_client.get("/partners")
    assert 'action="/partners/pool"' in page.text
    assert refusal in page.text
    csrf = csrf_from(page.text)

    too_big = app_client.post(
        "/partners/pool", data={**POOL_FORM, "cap_shares": "2000001", "csrf_token": csrf}
    )
    assert too_big.status_code == 422, too_big.text
    assert 'role="alert"' in too_big.text
    assert ("超过了" if lang == "zh_CN" else "more than 20 %") in too_big.text
    assert 'value="2000001"' in too_big.text  # what was typed is shown again
    assert 'id="no-pool"' in too_big.text  # and nothing was stored

    bad = app_client.post(
        "/partners/pool", data={**POOL_FORM, "vesting_months": "many", "csrf_token": csrf}
    )
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text

    saved = app_client.post(
        "/partners/pool", data={**POOL_FORM, "csrf_token": csrf}, follow_redirects=False
    )
    assert saved.status_code == 303
    table = app_client.get("/partners")
    assert 'id="pool-size"' in table.text
    assert "20.00 %" in table.text
    assert 'id="no-pool"' not in table.text


def test_only_operators_may_set_up_the_pool(
    app_client: TestClient, session: Session, clock
) -> None:
    build_world(session, now=clock.now())
    session.flush()
    login_as(app_client, "reg", lang="en")
    page = app_client.get("/partners")
    assert 'action="/partners/pool"' not in page.text
    answer = app_client.post(
        "/partners/pool", data={**POOL_FORM, "csrf_token": csrf_from(page.text)}
    )
    assert answer.status_code == 403
    app_client.cookies.clear()
    login_as(app_client, "operator", lang="en")
    assert "has not been set up" in app_client.get("/partners").text
