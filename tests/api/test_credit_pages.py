"""The credit page in both languages: a collector sees its score factor by factor, its
terms and history; an unscored station is told how scoring works; operators list every
score and open one; a plant is turned away and another party's score is not found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import credit
from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import World, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    world = build_world(session, now=clock.now())
    credit.score_due_parties(session, now=clock.now() - timedelta(days=7), limit=100)
    credit.score_due_parties(session, now=clock.now(), limit=100)
    session.flush()
    return world


@pytest.mark.parametrize(
    ("lang", "heading", "factor", "terms"),
    [
        ("zh_CN", "信用分", "准时", "回收站签收您的物品 7 天后结算"),
        ("en", "Credit score", "On time", "paid 7 days after the station receives your units"),
    ],
)
def test_a_collector_sees_its_score_explained(
    app_client: TestClient, world: World, lang: str, heading: str, factor: str, terms: str
) -> None:
    login_as(app_client, "col-a", lang=lang)
    page = app_client.get("/credit")
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert factor in page.text
    assert terms in page.text
    for f in credit.Factor:
        assert f'id="factor-{f.value}"' in page.text
    assert page.text.count("2026-W4") >= 3  # the tile and two history rows


def test_an_unscored_party_is_told_how_scoring_works(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    build_world(session, now=clock.now())
    session.flush()
    login_as(app_client, "sta-a", lang="en")
    page = app_client.get("/credit")
    assert page.status_code == 200
    assert "no credit score yet" in page.text


def test_operators_list_and_open_scores_others_are_refused(
    app_client: TestClient, world: World
) -> None:
    login_as(app_client, "operator", lang="zh_CN")
    listing = app_client.get("/credit")
    assert listing.status_code == 200
    me = world.collector_a.organisation_id
    assert f'href="/credit/{me}"' in listing.text
    assert app_client.get(f"/credit/{me}").status_code == 200
    assert app_client.get(f"/credit/{world.plant_a.organisation_id}").status_code == 404
    app_client.cookies.clear()
    login_as(app_client, "col-b", lang="en")
    assert app_client.get(f"/credit/{me}").status_code == 404
    app_client.cookies.clear()
    login_as(app_client, "plant-a", lang="en")
    assert app_client.get("/credit").status_code == 403
