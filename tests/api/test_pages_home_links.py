"""Each role's home page links to the other pages that role may use, and every link
answers that role with 200 (never a 403 page)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import World, build_world

EXPECTED = {
    "home-a": set(),
    "col-a": {"/credit", "/partners", "/#code-blocks", "/money"},
    "sta-a": {"/market", "/discrepancies", "/credit", "/partners", "/money"},
    "plant-a": {"/market", "/discrepancies", "/money"},
    "operator": {"/reports", "/market", "/discrepancies", "/credit", "/partners", "/money"},
    "reg": {"/reports", "/market"},
    "prod": {"/reports", "/money"},
}


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def _links(page: str) -> list[str]:
    nav = re.search(r'<nav class="home-links"[^>]*>(.*?)</nav>', page, re.S)
    return re.findall(r'href="([^"]+)"', nav[1]) if nav else []


@pytest.mark.parametrize("username", sorted(EXPECTED))
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_home_page_links_to_each_page_the_role_may_use(
    app_client: TestClient, world: World, username: str, lang: str
) -> None:
    login_as(app_client, username, lang=lang)
    links = _links(app_client.get("/").text)
    assert set(links) == EXPECTED[username]
    assert len(links) == len(set(links))
    for href in links:
        answer = app_client.get(href.split("#")[0])
        assert answer.status_code == 200, (username, href, answer.text[:300])


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("zh_CN", ("信用分", "合伙人期权池", "我的标签", "资金")),
        ("en", ("Credit score", "Partner option pool", "My label sheets", "Money")),
    ],
)
def test_the_links_are_in_the_visitors_language(
    app_client: TestClient, world: World, lang: str, texts: tuple[str, ...]
) -> None:
    login_as(app_client, "col-a", lang=lang)
    nav = re.search(r'<nav class="home-links".*?</nav>', app_client.get("/").text, re.S)
    assert nav is not None
    for text in texts:
        assert text in nav[0]


def test_a_producer_is_pointed_at_its_take_back_report(
    app_client: TestClient, world: World
) -> None:
    login_as(app_client, "prod", lang="en")
    page = app_client.get("/").text
    assert "take-back report" in page
    assert "Use the JSON API for reports" not in page
