"""Pages: the custody trace of a unit, and who may see it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import World, book, build_world, collect


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def _collected_code(session: Session, world: World, clock: FrozenClock) -> str:
    done = collect(
        session, world, book(session, world.household_a, now=clock.now()), now=clock.now()
    )
    session.flush()
    return done.unit_codes[0]


def test_the_household_sees_its_units_chain(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    code = _collected_code(session, world, clock)
    login_as(app_client, "home-a")
    page = app_client.get(f"/units/{code}")
    assert page.status_code == 200
    assert code in page.text
    assert "上门回收" in page.text  # the handover kind
    assert "在回收员处" in page.text  # the unit's status
    assert "居民" in page.text
    assert "回收员" in page.text
    assert "2026-11-24 10:00" in page.text  # shown in China time
    assert "Home-A" not in page.text  # a household stays anonymous in the chain
    assert "col-a" in page.text  # the collector by its Chinese name (the factories' name_zh)
    assert "Col-A" not in page.text


def test_the_trace_in_english(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    code = _collected_code(session, world, clock)
    login_as(app_client, "home-a", lang="en")
    page = app_client.get(f"/units/{code}").text
    assert "Collected at the door" in page
    assert "Household" in page
    assert "Col-A" in page or "Col-B" in page  # the collector is named


def test_another_households_unit_is_not_found(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    code = _collected_code(session, world, clock)
    login_as(app_client, "home-b")
    page = app_client.get(f"/units/{code}")
    assert page.status_code == 404
    assert "未找到" in page.text
    assert "交接记录" not in page.text  # no handovers section


def test_an_unknown_code_looks_the_same_as_a_hidden_one(
    app_client: TestClient, world: World
) -> None:
    login_as(app_client, "home-b", lang="en")
    page = app_client.get("/units/EW0000000000000")
    assert page.status_code in {404, 422}
    assert 'class="error"' in page.text


def test_staff_may_trace_any_unit(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    code = _collected_code(session, world, clock)
    login_as(app_client, "reg")
    assert app_client.get(f"/units/{code}").status_code == 200
