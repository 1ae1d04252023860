"""Throttles on what anyone can call without an account: failed logins per address and
username, and the public lookups by receipt code or certificate id per address. Beyond the
allowance the answer is 429 with a stable code, the wait in Retry-After, and nothing done."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ewaste.config import Settings
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.errors import TooManyRequests
from ewaste.web.app import create_app
from ewaste.web.throttle import MAX_KEYS, Throttle
from tests.api.test_pages_auth import csrf_from
from tests.factories import PASSWORD, build_world


class Ticks:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_a_bucket_refuses_when_empty_and_refills_evenly() -> None:
    ticks = Ticks()
    throttle = Throttle(3, 60, now=ticks)
    for _ in range(3):
        throttle.hit("a")
    with pytest.raises(TooManyRequests) as refused:
        throttle.hit("a")
    assert refused.value.context == {"retry_after_s": 20}
    throttle.hit("b")  # another key has its own bucket
    ticks.t = 19.0
    with pytest.raises(TooManyRequests):
        throttle.check("a")
    ticks.t = 20.0
    throttle.check("a")  # checking takes nothing
    throttle.hit("a")
    ticks.t = 1_000.0
    for _ in range(3):  # never more than the capacity, however long it waited
        throttle.hit("a")
    with pytest.raises(TooManyRequests):
        throttle.hit("a")


def test_spending_counts_without_refusing_and_the_buckets_stay_bounded() -> None:
    ticks = Ticks()
    throttle = Throttle(2, 60, now=ticks)
    for _ in range(5):
        throttle.spend("x")
    with pytest.raises(TooManyRequests) as refused:
        throttle.check("x")
    assert refused.value.context == {"retry_after_s": 30}
    for n in range(MAX_KEYS + 10):
        throttle.spend(f"k{n}")
    assert len(throttle._buckets) <= MAX_KEYS


@pytest.fixture
def strict_client(
    database_url: str, session_factory: sessionmaker[Session], clock: FrozenClock
) -> Iterator[TestClient]:
    settings = Settings(
        env="test",
        database_url=database_url,
        secret_key="test-secret-key-0123456789",
        public_lookups_per_minute=3,
        failed_logins_per_quarter_hour=2,
    )
    app = create_app(settings, clock=clock)
    app.state.session_factory = session_factory
    app.state.single_write_sessions = None
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def test_failed_logins_pause_that_username_from_that_address(
    strict_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    build_world(session, now=clock.now())
    session.flush()
    token = "/api/auth/token"
    for _ in range(2):
        wrong = strict_client.post(token, json={"username": "home-a", "password": "guess"})
        assert wrong.status_code == 401
    paused = strict_client.post(token, json={"username": "home-a", "password": PASSWORD})
    assert paused.status_code == 429
    assert paused.json()["code"] == "auth.too_many_attempts"
    assert int(paused.headers["Retry-After"]) > 0
    # Another username from the same address is not paused, and a success costs nothing.
    for _ in range(3):
        ok = strict_client.post(token, json={"username": "home-b", "password": PASSWORD})
        assert ok.status_code == 201
    # The login page says it in the visitor's language and keeps the username.
    strict_client.cookies.set("lang", "zh_CN")
    form = strict_client.get("/login")
    page = strict_client.post(
        "/login",
        data={"username": "home-a", "password": PASSWORD, "csrf_token": csrf_from(form.text)},
    )
    assert page.status_code == 429
    assert "登录失败次数过多" in page.text
    assert 'value="home-a"' in page.text


def test_public_lookups_are_limited_per_address(strict_client: TestClient) -> None:
    for _ in range(3):
        assert strict_client.get("/api/receipts/RCZZZZZZZZZZZZ").status_code == 404
    refused = strict_client.get("/api/certificates/CT0000000000000000")
    assert refused.status_code == 429
    assert refused.json()["code"] == "web.too_many_lookups"
    assert refused.headers["Retry-After"] == "20"
    strict_client.cookies.set("lang", "zh_CN")
    page = strict_client.get("/track/RCZZZZZZZZZZZZ")
    assert page.status_code == 429
    assert "查询过于频繁" in page.text
