"""Credit scores from real history: what the history query counts, one score per party
and week (history kept, append-only), who may read a score, and settlement terms."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ewaste import credit, exchange, orders, pricing
from ewaste.credit.history import histories
from ewaste.identity import MissingPermission
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from ewaste.kernel.quantities import Mass
from ewaste.worker import run_due_jobs
from ewaste.worker.jobs import JOBS
from tests.factories import World, assign_to, book, build_world

CREDIT_JOB = tuple(j for j in JOBS if j.name == "score_credit")


def _collect(session: Session, world: World, *, now: datetime, at: datetime) -> list[str]:
    """Book a flat TV at `now`, assign it to collector a, collect it at `at`."""
    pickup = book(session, world.household_a, now=now)
    assign_to(session, world, pickup.id, world.collector_a, now=now)
    quote = pricing.quote_by_id(session, pickup.quote_id)
    assert quote is not None
    units = [orders.DoorUnit(i.category_code, Mass(i.unit_mass_g)) for i in quote.items]
    done = orders.collect_pickup(
        session, actor=world.collector_a, pickup_id=pickup.id, units=units, now=at
    )
    return list(done.unit_codes)


def _sold_lot(
    session: Session, world: World, codes: list[str], *, now: datetime
) -> exchange.LotView:
    exchange.receive_at_station(
        session,
        actor=world.station_a,
        collector_id=world.collector_a.organisation_id,
        unit_codes=codes,
        now=now,
    )
    lot = exchange.create_lot(
        session, actor=world.station_a, unit_codes=codes, price=Money(480_00), now=now
    )
    exchange.buy_lot(session, actor=world.plant_a, lot_id=lot.id, now=now)
    return lot


def _receive(session: Session, world: World, lot: exchange.LotView, grams: int, now: datetime):
    exchange.receive_lot(
        session,
        actor=world.plant_a,
        lot_id=lot.id,
        unit_codes=list(lot.unit_codes),
        load_grams=grams,
        now=now,
        tolerance_basis_points=300,
        fee_basis_points=200,
    )


def _history_world(session: Session, now: datetime) -> World:
    """Collector a: two pickups on time, one late, one cancelled after assignment. Station
    a: one lot shipped on time and received at its weight, one shipped three days after
    the award and received 10 % light (disputed), one sold and never shipped."""
    world = build_world(session, now=now)
    on_time = _collect(session, world, now=now, at=now + timedelta(hours=1))
    on_time += _collect(session, world, now=now, at=now + timedelta(hours=2))
    late = _collect(session, world, now=now, at=now + timedelta(hours=5))
    cancelled = book(session, world.household_a, now=now)
    assign_to(session, world, cancelled.id, world.collector_a, now=now)
    orders.cancel_pickup(
        session, actor=world.household_a, pickup_id=cancelled.id, now=now, reason="moved"
    )
    later = now + timedelta(hours=6)
    good = _sold_lot(session, world, on_time, now=later)
    exchange.ship_lot(session, actor=world.station_a, lot_id=good.id, now=later)
    _receive(session, world, good, good.grams, later)
    light = _sold_lot(session, world, late[:1], now=later)
    exchange.ship_lot(
        session, actor=world.station_a, lot_id=light.id, now=later + timedelta(days=3)
    )
    _receive(session, world, light, light.grams * 9 // 10, later + timedelta(days=3))
    return world


def _decide_light_lot(session: Session, world: World, now: datetime) -> None:
    """The operator decides station a's open discrepancy below the contract price."""
    [disputed] = [
        c.lot_id
        for c in exchange.contracts_for(session, actor=world.operator)
        if c.station_id == world.station_a.organisation_id and c.status == "disputed"
    ]
    exchange.decide_discrepancy(
        session,
        actor=world.operator,
        lot_id=disputed,
        adjusted_price=Money(400_00),
        reason="10 % light at the weighbridge",
        now=now + timedelta(days=4),
        fee_basis_points=200,
    )


def test_the_history_counts_what_each_party_did(session: Session, clock: FrozenClock) -> None:
    now = clock.now()
    world = _history_world(session, now)
    # A lot sold and not shipped within 48 hours counts late for the station.
    codes = _collect(session, world, now=now, at=now + timedelta(hours=1))
    _sold_lot(session, world, codes, now=now)
    later = now + timedelta(days=40)
    collector = world.collector_a.organisation_id
    station = world.station_a.organisation_id
    parties = [(collector, "collector"), (station, "station")]
    # The light lot's discrepancy is open: neither clean nor lost yet.
    pending = histories(session, parties, now=later)
    for h in pending.values():
        assert (h.accurate, h.inaccurate, h.clean, h.disputes_lost) == (1, 1, 1, 0)
    _decide_light_lot(session, world, now)
    found = histories(session, parties, now=later)

    c = found[collector]
    assert (c.on_time, c.late, c.completed, c.cancelled) == (3, 1, 4, 1)
    assert (c.accurate, c.inaccurate, c.clean, c.disputes_lost) == (1, 1, 1, 1)
    assert c.months_active == 1
    assert c.volume_grams > 0

    s = found[station]
    assert (s.on_time, s.late, s.completed, s.cancelled) == (1, 2, 2, 0)
    assert (s.accurate, s.inaccurate, s.clean, s.disputes_lost) == (1, 1, 1, 1)
    assert s.volume_grams == c.volume_grams
    # Seen from before anything happened, nothing counts.
    before = histories(session, [(collector, "collector")], now=now - timedelta(days=1))
    assert before[collector].volume_grams == 0
    assert before[collector].months_active == 0


def test_every_collector_and_station_is_scored_once_a_week_and_history_is_kept(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = _history_world(session, now)
    collector = world.collector_a.organisation_id
    assert credit.score_due_parties(session, now=now, limit=100) == 4  # 2 collectors, 2 stations
    assert credit.score_due_parties(session, now=now + timedelta(days=2), limit=100) == 0
    next_week = now + timedelta(days=7)
    assert credit.score_due_parties(session, now=next_week, limit=1) == 1
    assert credit.score_due_parties(session, now=next_week, limit=100) == 3

    latest = credit.credit_score(session, actor=world.collector_a, organisation_id=collector)
    assert latest.period == credit.credit_period(next_week)
    assert latest.score == sum(c.points for c in latest.contributions)
    assert latest.score == credit.score_breakdown(latest.history).score
    history = credit.credit_history(session, actor=world.collector_a, organisation_id=collector)
    assert [h.period for h in history] == ["2026-W49", "2026-W48"]
    listed = credit.credit_scores(session, actor=world.operator)
    assert sorted(v.organisation_id for v in listed) == sorted(
        a.organisation_id
        for a in (world.collector_a, world.collector_b, world.station_a, world.station_b)
    )
    assert all(v.period == "2026-W49" for v in listed)


def test_a_score_is_its_party_s_and_staff_s_to_read(session: Session, clock: FrozenClock) -> None:
    world = build_world(session, now=clock.now())
    credit.score_due_parties(session, now=clock.now(), limit=100)
    own = world.collector_a.organisation_id
    assert credit.credit_score(session, actor=world.operator, organisation_id=own).score == 200
    for actor in (world.collector_b, world.station_a, world.plant_a, world.regulator):
        with pytest.raises(credit.ScoreNotFound):
            credit.credit_score(session, actor=actor, organisation_id=own)
        with pytest.raises(credit.ScoreNotFound):
            credit.credit_history(session, actor=actor, organisation_id=own)
    with pytest.raises(credit.ScoreNotFound):
        credit.credit_score(
            session, actor=world.plant_a, organisation_id=world.plant_a.organisation_id
        )
    with pytest.raises(credit.ScoreNotFound):  # staff, but a plant is never scored
        credit.credit_score(
            session, actor=world.operator, organisation_id=world.plant_a.organisation_id
        )
    with pytest.raises(credit.ScoreNotFound):
        credit.credit_history(
            session, actor=world.operator, organisation_id=world.plant_a.organisation_id
        )
    station = world.station_a.organisation_id
    assert credit.credit_score(session, actor=world.station_a, organisation_id=station).score
    with pytest.raises(MissingPermission):
        credit.credit_scores(session, actor=world.collector_a)


def test_settlement_terms_read_the_latest_score_at_that_time(
    session: Session, clock: FrozenClock
) -> None:
    now = clock.now()
    world = _history_world(session, now)
    station = world.station_a.organisation_id
    unscored = credit.settlement_terms(session, station, now)
    assert (unscored.tier, unscored.score, unscored.scored_on) == (credit.Tier.NEW, None, None)
    assert unscored.holding == credit.DEFAULT_POLICY.holding
    credit.score_due_parties(session, now=now, limit=100)
    terms = credit.settlement_terms(session, station, now + timedelta(hours=1))
    view = credit.credit_score(session, actor=world.operator, organisation_id=station)
    assert terms.score == view.score
    assert terms.tier is credit.settlement_tier(view.score) is view.tier
    assert terms.scored_on is not None
    assert credit.settlement_terms(session, station, now - timedelta(seconds=1)).score is None
    generous = credit.SettlementPolicy(top_from=1, middle_from=0)
    assert credit.settlement_terms(session, station, now, policy=generous).tier is credit.Tier.TOP


def test_stored_scores_cannot_be_rewritten(session: Session, clock: FrozenClock) -> None:
    build_world(session, now=clock.now())
    credit.score_due_parties(session, now=clock.now(), limit=100)
    session.flush()
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text("UPDATE credit_score SET score = 1000"))
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text("DELETE FROM credit_score"))


def test_the_worker_scores_each_party_once_a_week(
    session: Session, session_factory: sessionmaker[Session], clock: FrozenClock
) -> None:
    build_world(session, now=clock.now())
    session.commit()
    assert run_due_jobs(session_factory, clock, jobs=CREDIT_JOB) == {"score_credit": 4}
    assert run_due_jobs(session_factory, clock, jobs=CREDIT_JOB) == {"score_credit": 0}
    clock.advance(timedelta(days=7))
    assert run_due_jobs(session_factory, clock, jobs=CREDIT_JOB) == {"score_credit": 4}
    assert "score_credit" in {j.name for j in JOBS}
