"""Pages: a household quotes, books, cancels and follows its pickups through the forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import orders, pricing
from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import World, book, build_world, collect


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def quote_through_form(
    client: TestClient, token: str, items: dict[str, str], **fields: str | list[str]
) -> int:
    """Post step two of the quote form: each item works unless `fields` say otherwise."""
    data: dict[str, list[str] | str] = {
        "csrf_token": token,
        "category": list(items.keys()),
        "quantity": list(items.values()),
    }
    data.update({f"works-{index}": "yes" for index in range(len(items))})
    data.update(fields)
    answer = client.post("/quotes", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    match = re.fullmatch(r"/#quote-(\d+)", answer.headers["location"])
    assert match is not None
    return int(match.group(1))


def _booking(token: str, quote_id: int, **overrides: str) -> dict[str, str]:
    # T0 is 10:00 in Shenzhen: the 12:00 slot is the first offered.
    data = {
        "csrf_token": token,
        "quote_id": str(quote_id),
        "address": "福田区深南大道1号",
        "lat": "22.5223",
        "lon": "114.0553",
        "slot": "2026-11-24T12:00",
        "contact_name": "李女士",
        "contact_phone": "13800138000",
    }
    data.update(overrides)
    return data


class TestQuoteAndBook:
    def test_a_quote_then_a_booking_through_the_forms(
        self, app_client: TestClient, world: World, session: Session
    ) -> None:
        token = login_as(app_client, "home-a")
        quote_id = quote_through_form(app_client, token, {"tv_flat": "2", "washing_machine": "1"})

        page = app_client.get("/")
        assert f'id="quote-{quote_id}"' in page.text
        assert "平板电视" in page.text or "电视" in page.text
        quote = pricing.get_quote(session, actor=world.household_a, quote_id=quote_id)
        assert [(item.category_code, item.quantity) for item in quote.items] == [
            ("tv_flat", 2),
            ("washing_machine", 1),
        ]
        total = quote.total.as_decimal_string()
        assert f"¥{total}" in page.text
        # The booking form is prefilled with the household's own location.
        assert 'value="22.5223"' in page.text
        assert 'value="114.0553"' in page.text

        answer = app_client.post("/pickups", data=_booking(token, quote_id), follow_redirects=False)
        assert answer.status_code == 303, answer.text
        [pickup] = orders.pickups_for(session, actor=world.household_a)
        assert answer.headers["location"] == f"/#pickup-{pickup.id}"
        assert pickup.quote_id == quote_id
        assert pickup.window_start.isoformat() == "2026-11-24T04:00:00+00:00"
        assert (pickup.window_end - pickup.window_start).total_seconds() == 2 * 3600

        page = app_client.get("/")
        assert f'id="pickup-{pickup.id}"' in page.text
        assert "等待派单" in page.text
        assert f'id="quote-{quote_id}"' not in page.text  # booked: no longer open

    def test_the_page_offers_two_hour_slots_after_now(
        self, app_client: TestClient, world: World
    ) -> None:
        token = login_as(app_client, "home-a")
        quote_through_form(app_client, token, {"tv_flat": "1"})
        page = app_client.get("/").text
        assert 'value="2026-11-24T10:00"' not in page
        assert 'value="2026-11-24T12:00"' in page
        assert "12:00–14:00" in page

    def test_a_quote_without_items_is_refused_beside_the_form(
        self, app_client: TestClient, world: World, session: Session
    ) -> None:
        token = login_as(app_client, "home-a")
        answer = app_client.post(
            "/quotes", data={"csrf_token": token, "category": "", "quantity": "1"}
        )
        assert answer.status_code == 422
        assert "请至少选择一种物品" in answer.text
        assert pricing.open_quotes_of(session, world.household_a.organisation_id) == []

    @pytest.mark.parametrize(
        ("override", "status", "message"),
        [
            ({"contact_phone": "call me"}, 422, "电话号码"),
            ({"slot": "tomorrow"}, 422, "请选择提供的时段"),
            ({"slot": "2026-11-23T12:00"}, 422, "时段须"),
            ({"address": "   "}, 422, "请填写所有必填项"),
            ({"lat": "north"}, 422, "十进制度数"),
        ],
    )
    def test_a_bad_booking_shows_the_error_and_books_nothing(
        self,
        app_client: TestClient,
        world: World,
        session: Session,
        override: dict[str, str],
        status: int,
        message: str,
    ) -> None:
        token = login_as(app_client, "home-a")
        quote_id = quote_through_form(app_client, token, {"tv_flat": "1"})
        answer = app_client.post("/pickups", data=_booking(token, quote_id, **override))
        assert answer.status_code == status
        assert message in answer.text
        # The form keeps what was typed.
        assert "李女士" in answer.text
        assert orders.pickups_for(session, actor=world.household_a) == []
        [still_open] = pricing.open_quotes_of(session, world.household_a.organisation_id)
        assert still_open.id == quote_id

    def test_another_households_quote_cannot_be_booked(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        theirs = pricing.create_quote(
            session,
            actor=world.household_b,
            items=[pricing.ItemRequest("tv_flat", 1)],
            now=clock.now(),
            valid_for=timedelta(hours=24),
        )
        token = login_as(app_client, "home-a")
        answer = app_client.post("/pickups", data=_booking(token, theirs.id))
        assert answer.status_code == 404
        assert orders.pickups_for(session, actor=world.household_a) == []

    def test_english_page_and_error(self, app_client: TestClient, world: World) -> None:
        token = login_as(app_client, "home-a", lang="en")
        page = app_client.get("/")
        assert "My recycling" in page.text
        answer = app_client.post(
            "/quotes", data={"csrf_token": token, "category": "tv_flat", "quantity": "many"}
        )
        assert answer.status_code == 422
        assert "Enter a whole number." in answer.text


class TestMyPickups:
    def test_collected_pickups_list_their_units_with_trace_links(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        pickup = book(session, world.household_a, now=clock.now(), items={"tv_flat": 2})
        done = collect(session, world, pickup, now=clock.now())
        login_as(app_client, "home-a")
        page = app_client.get("/").text
        assert "已上门回收" in page
        for code in done.unit_codes:
            assert f'href="/units/{code}"' in page

    def test_cancelling_a_waiting_pickup(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        pickup = book(session, world.household_a, now=clock.now())
        token = login_as(app_client, "home-a")
        answer = app_client.post(
            f"/pickups/{pickup.id}/cancel", data={"csrf_token": token}, follow_redirects=False
        )
        assert answer.status_code == 303
        [after] = orders.pickups_for(session, actor=world.household_a)
        assert after.status == "cancelled"
        assert "已取消" in app_client.get("/").text

    def test_another_households_pickup_cannot_be_cancelled(
        self, app_client: TestClient, world: World, session: Session, clock: FrozenClock
    ) -> None:
        theirs = book(session, world.household_b, now=clock.now())
        token = login_as(app_client, "home-a")
        answer = app_client.post(f"/pickups/{theirs.id}/cancel", data={"csrf_token": token})
        assert answer.status_code == 404
        [still] = orders.pickups_for(session, actor=world.household_b)
        assert still.status == "requested"
