"""The per-process price book cache and how the web app drops it after a price write.

PriceBookCache asks the database for the newest price input at most once per
`recheck_seconds`; a dated change still rebuilds the book when it comes due; station
locations are cached apart. The app forgets its books only once a price write commits
(web.context.after_commit), so its own next quote sees the new price at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session

from ewaste import identity, pricing
from ewaste.db.session import make_session_factory
from ewaste.db.uow import transaction
from ewaste.identity import Role
from ewaste.kernel.clock import FrozenClock
from ewaste.pricing import PriceBookCache
from ewaste.pricing.engine import PriceBook
from ewaste.web.context import after_commit
from tests.api.helpers import token
from tests.factories import FUTIAN, LONGGANG, NANSHAN, World, build_world

REGION = "shenzhen"
FOREVER = 3600.0
"""A recheck window no test outlasts: only invalidate() or a dated change rebuilds."""


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now() - timedelta(days=30))


@contextmanager
def price_input_queries(connection: Connection) -> Iterator[list[str]]:
    """The statements that touch price inputs while the block runs."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "price_input" in statement:
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def a_commodity(book: PriceBook) -> tuple[str, int]:
    """A commodity of the book and the micro-yuan it is priced at."""
    key = sorted(book.commodities)[0]
    return key, book.commodities[key].micro_yuan


def new_price(
    session: Session,
    world: World,
    key: str,
    micro_yuan: int,
    *,
    now: datetime,
    effective_from: datetime,
    effective_to: datetime | None = None,
) -> pricing.PriceInputView:
    """Append a version of commodity `key` at twice `micro_yuan` (as an operator would)."""
    return pricing.record_price_input(
        session,
        actor=world.operator,
        kind="commodity",
        key=key,
        region=REGION,
        value=str(Decimal(micro_yuan * 2) / 1_000_000),
        effective_from=effective_from,
        effective_to=effective_to,
        source="cache test: doubled",
        now=now,
    )


# --- PriceBookCache.get ------------------------------------------------------------------


def test_a_new_price_is_not_seen_inside_the_recheck_window_until_invalidate(
    session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    cache = PriceBookCache(recheck_seconds=FOREVER)
    book, stamp = cache.get(session, region=REGION, at=now)
    key, micro = a_commodity(book)
    added = new_price(
        session, world, key, micro, now=now, effective_from=now - timedelta(minutes=1)
    )

    again, again_stamp = cache.get(session, region=REGION, at=now)
    assert again is book
    assert again_stamp == stamp
    assert again.commodities[key].input_id != added.id

    cache.invalidate()
    fresh, fresh_stamp = cache.get(session, region=REGION, at=now)
    assert fresh.commodities[key].input_id == added.id
    assert fresh.commodities[key].micro_yuan == 2 * micro
    assert fresh_stamp.max_id == added.id > stamp.max_id


def test_with_no_recheck_window_a_new_price_is_seen_at_once(
    session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    cache = PriceBookCache(recheck_seconds=0)
    book, stamp = cache.get(session, region=REGION, at=now)
    key, micro = a_commodity(book)
    added = new_price(
        session, world, key, micro, now=now, effective_from=now - timedelta(minutes=1)
    )

    fresh, fresh_stamp = cache.get(session, region=REGION, at=now)
    assert fresh is not book
    assert fresh.commodities[key].input_id == added.id
    assert fresh_stamp.max_id == added.id > stamp.max_id


def test_inside_the_window_a_cached_book_costs_no_query_and_after_it_one(
    session: Session, connection: Connection, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    patient = PriceBookCache(recheck_seconds=FOREVER)
    eager = PriceBookCache(recheck_seconds=0)
    first, _ = patient.get(session, region=REGION, at=now)
    eager_first, _ = eager.get(session, region=REGION, at=now)
    with price_input_queries(connection) as seen:
        for _ in range(5):
            assert patient.get(session, region=REGION, at=now)[0] is first
    assert seen == []
    with price_input_queries(connection) as seen:
        assert eager.get(session, region=REGION, at=now)[0] is eager_first
    assert len(seen) == 1  # only "what is the newest input?"; nothing changed


def pricing_book_now(session: Session, now: datetime) -> PriceBook:
    """The book in force now, straight from the database (no cache)."""
    book, _ = PriceBookCache(recheck_seconds=0).get(session, region=REGION, at=now)
    return book


def test_a_dated_change_rebuilds_the_book_when_it_comes_due_inside_the_window(
    session: Session, world: World, clock: FrozenClock
) -> None:
    now = clock.now()
    starts, ends = now + timedelta(hours=1), now + timedelta(hours=2)
    seed_book = pricing_book_now(session, now)
    key, micro = a_commodity(seed_book)
    seed_id = seed_book.commodities[key].input_id
    dated = new_price(session, world, key, micro, now=now, effective_from=starts, effective_to=ends)

    cache = PriceBookCache(recheck_seconds=FOREVER)
    before, stamp = cache.get(session, region=REGION, at=now)
    assert before.commodities[key].input_id == seed_id
    assert stamp.valid_until == starts
    assert cache.get(session, region=REGION, at=starts - timedelta(seconds=1))[0] is before

    during, during_stamp = cache.get(session, region=REGION, at=starts)
    assert during is not before
    assert during.commodities[key].input_id == dated.id
    assert during.commodities[key].micro_yuan == 2 * micro
    assert during_stamp.valid_until == ends

    after, _ = cache.get(session, region=REGION, at=ends + timedelta(seconds=1))
    assert after.commodities[key].input_id == seed_id  # the dated version ended

    # A moment before the cached book was built never reuses it.
    earlier, _ = cache.get(session, region=REGION, at=now)
    assert earlier.commodities[key].input_id == seed_id
    assert cache.get(session, region=REGION, at=starts)[0].commodities[key].input_id == dated.id


# --- PriceBookCache.station_points -------------------------------------------------------


def new_station(session: Session, clock: FrozenClock) -> None:
    identity.register_organisation(
        session, role=Role.STATION, name="Sta-C", location=NANSHAN, now=clock.now()
    )
    session.flush()


def test_station_points_are_cached_until_invalidate(
    session: Session, world: World, clock: FrozenClock
) -> None:
    cache = PriceBookCache(stations_seconds=FOREVER)
    points = cache.station_points(session)
    assert set(points) == {FUTIAN, LONGGANG}
    new_station(session, clock)
    assert cache.station_points(session) == points
    cache.invalidate()
    assert set(cache.station_points(session)) == {FUTIAN, LONGGANG, NANSHAN}


def test_station_points_are_reread_once_their_time_is_up(
    session: Session, world: World, clock: FrozenClock
) -> None:
    cache = PriceBookCache(stations_seconds=0)
    assert set(cache.station_points(session)) == {FUTIAN, LONGGANG}
    new_station(session, clock)
    assert set(cache.station_points(session)) == {FUTIAN, LONGGANG, NANSHAN}


# --- after_commit --------------------------------------------------------------------------


@pytest.fixture
def probe_table(engine: Engine) -> Iterator[None]:
    """A scratch table, committed, so that another connection can see a commit land."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE after_commit_probe (n INTEGER)"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE after_commit_probe"))


@pytest.mark.usefixtures("probe_table")
def test_after_commit_runs_once_after_the_commit_has_landed(engine: Engine) -> None:
    factory = make_session_factory(engine)
    seen_by_others: list[int] = []

    def action() -> None:
        with engine.connect() as other:
            seen_by_others.append(other.scalar(text("SELECT count(*) FROM after_commit_probe")))

    with transaction(factory) as session:
        session.execute(text("INSERT INTO after_commit_probe (n) VALUES (1)"))
        after_commit(session, action)
        session.flush()
        assert seen_by_others == []  # not before the commit
    assert seen_by_others == [1]  # after it, and the write was already visible

    with factory() as session:
        after_commit(session, action)
        session.execute(text("SELECT 1"))
        session.commit()
        session.execute(text("SELECT 1"))
        session.commit()  # a second commit on the same session does not run it again
    assert seen_by_others == [1, 1]


def test_after_commit_never_runs_after_a_rollback(engine: Engine) -> None:
    factory = make_session_factory(engine)
    calls: list[str] = []

    with factory() as session:
        after_commit(session, lambda: calls.append("rollback"))
        session.execute(text("SELECT 1"))
        session.rollback()

    def failing_request() -> None:
        with transaction(factory) as session:
            after_commit(session, lambda: calls.append("failed request"))
            session.execute(text("SELECT 1"))
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError, match="handler failed"):
        failing_request()

    with transaction(factory, dry_run=True) as session:
        after_commit(session, lambda: calls.append("dry run"))
        session.execute(text("SELECT 1"))

    assert calls == []


# --- through the API ---------------------------------------------------------------------


class CountingCache(PriceBookCache):
    """The app's cache, counting how often a request made it forget its books."""

    def __init__(self) -> None:
        super().__init__(recheck_seconds=FOREVER, stations_seconds=FOREVER)
        self.invalidations = 0

    def invalidate(self) -> None:
        self.invalidations += 1
        super().invalidate()


@pytest.fixture
def client(app_client: TestClient, session: Session, clock: FrozenClock) -> TestClient:
    build_world(session, now=clock.now() - timedelta(days=30))
    session.commit()
    # Stricter than the app's own one-second window: only the post-commit invalidation
    # can explain a quote that sees a price written a moment before.
    app_client.app.state.price_books = CountingCache()  # type: ignore[attr-defined]
    return app_client


def cache_of(client: TestClient) -> CountingCache:
    cache = client.app.state.price_books  # type: ignore[attr-defined]
    assert isinstance(cache, CountingCache)
    return cache


def quote_ac(client: TestClient) -> dict[str, Any]:
    answer = client.post(
        "/api/quotes",
        headers=token(client, "home-a"),
        json={
            "items": [
                {"category": "air_conditioner", "works": False, "attributes": {"cooling_w": 3500}}
            ],
        },
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def copper_of(client: TestClient, quote: dict[str, Any]) -> dict[str, Any]:
    line = next(ln for ln in quote["lines"] if ln["kind"] == "material" and ln["key"] == "copper")
    history = client.get("/api/prices", params={"kind": "commodity"}).json()
    return next(h for h in history if h["id"] == line["price_input_id"])


def test_a_csv_import_is_in_the_very_next_quote(client: TestClient, clock: FrozenClock) -> None:
    before = quote_ac(client)
    copper = copper_of(client, before)
    moment = (clock.now() - timedelta(minutes=1)).isoformat()
    csv = (
        "kind,key,region,value,effective_from,source\n"
        f"commodity,{copper['key']},shenzhen,{Decimal(copper['value']) * 2},{moment},"
        "cache test: doubled copper\n"
    )
    answer = client.post("/api/prices/import", headers=token(client, "operator"), json={"csv": csv})
    assert answer.status_code == 201, answer.text
    assert cache_of(client).invalidations == 1

    after = quote_ac(client)
    imported = copper_of(client, after)
    assert imported["id"] != copper["id"]
    assert imported["source"] == "cache test: doubled copper"
    assert Decimal(after["net_fen_exact"]) > Decimal(before["net_fen_exact"])


def test_a_posted_price_is_in_the_very_next_quote(client: TestClient, clock: FrozenClock) -> None:
    before = quote_ac(client)
    copper = copper_of(client, before)
    added = client.post(
        "/api/prices",
        headers=token(client, "operator"),
        json={
            "kind": "commodity",
            "key": copper["key"],
            "region": "shenzhen",
            "value": str(Decimal(copper["value"]) * 2),
            "effective_from": (clock.now() - timedelta(minutes=1)).isoformat(),
            "source": "cache test: doubled copper",
        },
    )
    assert added.status_code == 201, added.text
    after = quote_ac(client)
    assert added.json()["id"] in after["price_input_ids"]
    assert cache_of(client).invalidations == 1


def test_a_refused_price_write_keeps_the_cached_books(client: TestClient) -> None:
    quote_ac(client)
    bad_csv = (
        "kind,key,region,value,effective_from,source\n"
        "commodity,steel_scrap,shenzhen,-3,2026-11-01,oops\n"
    )
    refused = client.post(
        "/api/prices/import", headers=token(client, "operator"), json={"csv": bad_csv}
    )
    assert refused.status_code == 422
    forbidden = client.post(
        "/api/prices",
        headers=token(client, "home-a"),
        json={
            "kind": "commodity",
            "key": "steel_scrap",
            "region": "shenzhen",
            "value": "9",
            "effective_from": "2026-11-01T00:00:00+08:00",
            "source": "x",
        },
    )
    assert forbidden.status_code == 403
    assert cache_of(client).invalidations == 0  # rolled back: nothing to forget
