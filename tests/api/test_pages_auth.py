"""Pages: login, logout, the session cookie, CSRF refusal and the language switch.

Also holds the small helpers the other page tests import (`login_as`, `csrf_from`).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import pricing
from ewaste.kernel.clock import FrozenClock
from tests.factories import PASSWORD, World, build_world

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _TOKEN.search(html)
    assert match is not None, "the page has no form with a CSRF token"
    return match.group(1)


def login_as(client: TestClient, username: str, *, lang: str | None = None) -> str:
    """Log `username` in through the form; return the CSRF token of the home page."""
    if lang is not None:
        client.cookies.set("lang", lang)
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    home = client.get("/")
    assert home.status_code == 200, home.text
    return csrf_from(home.text)


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


class TestLogin:
    def test_login_page_speaks_chinese_by_default(self, app_client: TestClient) -> None:
        page = app_client.get("/login")
        assert page.status_code == 200
        assert "登录" in page.text
        assert 'lang="zh-CN"' in page.text

    def test_good_password_starts_a_session_and_goes_home(
        self, app_client: TestClient, world: World
    ) -> None:
        page = app_client.get("/login")
        answer = app_client.post(
            "/login",
            data={"username": "home-a", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        home = app_client.get("/")
        assert "我的回收" in home.text
        assert "home-a" in home.text

    def test_wrong_password_shows_the_error_beside_the_form(
        self, app_client: TestClient, world: World
    ) -> None:
        page = app_client.get("/login")
        answer = app_client.post(
            "/login",
            data={
                "username": "home-a",
                "password": "wrong-pass",
                "csrf_token": csrf_from(page.text),
            },
        )
        assert answer.status_code == 401
        assert "用户名或密码错误" in answer.text
        assert 'value="home-a"' in answer.text
        assert app_client.get("/", follow_redirects=False).status_code == 303

    def test_the_session_stores_only_the_user_id(
        self, app_client: TestClient, world: World
    ) -> None:
        login_as(app_client, "home-a")
        cookie = app_client.cookies.get("ewaste_session")
        assert cookie is not None
        assert PASSWORD not in cookie
        assert "home-a" not in cookie

    def test_logout_ends_the_session(self, app_client: TestClient, world: World) -> None:
        token = login_as(app_client, "home-a")
        answer = app_client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login"
        assert app_client.get("/", follow_redirects=False).headers["location"] == "/login"

    @pytest.mark.parametrize("path", ["/", "/units/EW0000000000000"])
    def test_a_visitor_is_sent_to_login(self, app_client: TestClient, path: str) -> None:
        answer = app_client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login"


class TestCsrf:
    @pytest.mark.parametrize("token", [None, "", "forged-token"])
    def test_a_post_without_the_session_token_is_refused_and_changes_nothing(
        self, app_client: TestClient, world: World, session: Session, token: str | None
    ) -> None:
        login_as(app_client, "home-a")
        data = {"category": "tv_flat", "quantity": "1"}
        if token is not None:
            data["csrf_token"] = token
        answer = app_client.post("/quotes", data=data, follow_redirects=False)
        assert answer.status_code == 403
        assert "刷新页面" in answer.text
        assert pricing.open_quotes_of(session, world.household_a.organisation_id) == []

    def test_login_without_a_token_is_refused(self, app_client: TestClient, world: World) -> None:
        answer = app_client.post(
            "/login", data={"username": "home-a", "password": PASSWORD}, follow_redirects=False
        )
        assert answer.status_code == 403
        assert app_client.get("/", follow_redirects=False).status_code == 303

    def test_a_token_from_before_login_is_worthless_after(
        self, app_client: TestClient, world: World, session: Session
    ) -> None:
        before = csrf_from(app_client.get("/login").text)
        after = login_as(app_client, "home-a")
        assert before != after
        answer = app_client.post(
            "/quotes", data={"category": "tv_flat", "quantity": "1", "csrf_token": before}
        )
        assert answer.status_code == 403


class TestLanguage:
    def test_switching_to_english_sets_a_cookie_and_returns(
        self, app_client: TestClient, world: World
    ) -> None:
        answer = app_client.get("/lang/en?next=/login", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login"
        assert "lang=en" in answer.headers["set-cookie"]
        page = app_client.get("/login")
        assert "Log in" in page.text
        assert 'lang="en"' in page.text
        assert 'href="/lang/zh_CN?next=/login"' in page.text

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
    def test_the_switch_never_redirects_off_site(self, app_client: TestClient, target: str) -> None:
        answer = app_client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert answer.headers["location"] == "/"

    def test_an_unknown_language_is_ignored(self, app_client: TestClient) -> None:
        answer = app_client.get("/lang/xx?next=/login", follow_redirects=False)
        assert "set-cookie" not in answer.headers
        app_client.cookies.set("lang", "xx")
        assert "登录" in app_client.get("/login").text
