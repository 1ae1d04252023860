"""The partner option pool through its services: set-up under the 20 % cap, the monthly
run exactly once (qualify, grant by volume, vest, forfeit), hand grants, departures, the
cap table and who may read what."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ewaste import exchange, orders, partners, pricing
from ewaste.identity import MissingPermission
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.errors import DomainError
from ewaste.kernel.quantities import Mass
from ewaste.worker import run_due_jobs
from ewaste.worker.jobs import JOBS
from tests.factories import World, assign_to, book, build_world

SEPTEMBER = datetime(2026, 9, 10, 4, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 10, 4, 0, tzinfo=UTC)
CLOSE_OCTOBER = datetime(2026, 11, 2, 4, 0, tzinfo=UTC)
CLOSE_NOVEMBER = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
TERMS = partners.PoolTerms(
    threshold_grams=1_000,
    qualify_months=2,
    monthly_grant_shares=1_001,
    vesting_months=10,
    cliff_months=0,
    inactive_months=1,
)
PARTNER_JOB = tuple(j for j in JOBS if j.name == "close_partner_month")


def delivered(session: Session, world: World, collector, station, *, at: datetime) -> int:
    """A flat TV collected by `collector` and delivered to `station` at `at`; its grams."""
    pickup = book(session, world.household_a, now=at)
    assign_to(session, world, pickup.id, collector, now=at)
    quote = pricing.quote_by_id(session, pickup.quote_id)
    assert quote is not None
    units = [orders.DoorUnit(i.category_code, Mass(i.unit_mass_g)) for i in quote.items]
    done = orders.collect_pickup(session, actor=collector, pickup_id=pickup.id, units=units, now=at)
    exchange.receive_at_station(
        session,
        actor=station,
        collector_id=collector.organisation_id,
        unit_codes=list(done.unit_codes),
        now=at,
    )
    return sum(u.mass.grams for u in units)


def partner_world(
    session: Session, *, terms: partners.PoolTerms = TERMS, cap: int = 200_000
) -> World:
    """Collector a and station a active in September and October (collector b only in
    October, twice), a pool of `cap` in 1,000,000 shares, October closed: a and station
    a are partners with October's grants."""
    world = build_world(session, now=SEPTEMBER - timedelta(days=5))
    for at in (SEPTEMBER, OCTOBER):
        delivered(session, world, world.collector_a, world.station_a, at=at)
    delivered(session, world, world.collector_b, world.station_b, at=OCTOBER)
    delivered(session, world, world.collector_b, world.station_b, at=OCTOBER)
    partners.configure_pool(
        session,
        actor=world.operator,
        total_shares=1_000_000,
        cap_shares=cap,
        terms=terms,
        now=SEPTEMBER,
    )
    assert partners.close_partner_month(session, now=CLOSE_OCTOBER) == 1
    return world


def test_the_pool_is_set_up_by_operators_within_20_percent(
    session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    with pytest.raises(MissingPermission):
        partners.configure_pool(
            session,
            actor=world.collector_a,
            total_shares=100,
            cap_shares=20,
            terms=TERMS,
            now=clock.now(),
        )
    with pytest.raises(partners.PoolOverCap):
        partners.configure_pool(
            session,
            actor=world.operator,
            total_shares=100,
            cap_shares=21,
            terms=TERMS,
            now=clock.now(),
        )
    with pytest.raises(partners.PoolNotConfigured):
        partners.cap_table(session, actor=world.operator)
    assert partners.close_partner_month(session, now=clock.now()) == 0  # no pool, no run
    view = partners.configure_pool(
        session, actor=world.operator, total_shares=100, cap_shares=20, terms=TERMS, now=clock.now()
    )
    assert (view.cap_basis_points, view.available_shares, view.terms) == (2_000, 20, TERMS)


def test_the_monthly_run_qualifies_grants_by_volume_and_runs_once(session: Session) -> None:
    world = partner_world(session)
    a, sa = world.collector_a.organisation_id, world.station_a.organisation_id
    table = partners.cap_table(session, actor=world.operator)
    assert {line.organisation_id: line.status for line in table.lines} == {
        a: "active",
        sa: "active",
    }  # collector b had one month only
    # October's 1,001 shares split by October's volume: the same for both, the odd share
    # to the lower id.
    granted = {line.organisation_id: line.granted for line in table.lines}
    assert sum(granted.values()) == 1_001
    assert granted[min(a, sa)] == 501
    assert table.pool.outstanding_shares == 1_001
    assert partners.close_partner_month(session, now=CLOSE_OCTOBER + timedelta(days=3)) == 0
    assert partners.cap_table(session, actor=world.operator).granted == 1_001


def test_november_vests_then_forfeits_the_inactive_and_grants_the_active(
    session: Session,
) -> None:
    world = partner_world(session)
    a, sa = world.collector_a.organisation_id, world.station_a.organisation_id
    november = datetime(2026, 11, 12, 4, 0, tzinfo=UTC)
    # In November collector a delivers to station b: station a has no volume.
    delivered(session, world, world.collector_a, world.station_b, at=november)
    assert partners.close_partner_month(session, now=CLOSE_NOVEMBER) == 1
    table = partners.cap_table(session, actor=world.operator)
    lines = {line.organisation_id: line for line in table.lines}
    # A month after October's grant a tenth vested; station a lapsed and forfeited the rest.
    assert lines[sa].status == "lapsed"
    assert lines[sa].vested == lines[sa].granted // 10
    assert lines[sa].unvested == 0
    assert lines[sa].forfeited == lines[sa].granted - lines[sa].vested
    # Collector a stays active; station b qualified (October and November). They had the
    # same November volume: 501 and 500 shares, the odd one to the lower id.
    sb = world.station_b.organisation_id
    assert lines[a].status == lines[sb].status == "active"
    assert lines[sb].granted == 500
    assert lines[a].granted == lines[a].vested + lines[a].unvested
    holding = partners.partner_holding(session, actor=world.collector_a, organisation_id=a)
    assert [(g.month, g.kind) for g in holding.grants] == [
        ("2026-10", "monthly"),
        ("2026-11", "monthly"),
    ]
    assert holding.grants[1].shares == 501
    assert holding.grants[0].vested == holding.grants[0].shares // 10
    assert table.pool.outstanding_shares == sum(line.outstanding for line in table.lines)
    assert (
        table.pool.outstanding_shares + table.pool.available_shares + table.other_holders_shares
        == table.pool.total_shares
    )


def test_a_lapsed_partner_qualifies_again(session: Session) -> None:
    terms = partners.PoolTerms(
        threshold_grams=1_000, qualify_months=1, monthly_grant_shares=10, inactive_months=1
    )
    world = partner_world(session, terms=terms)
    sa = world.station_a.organisation_id
    assert partners.close_partner_month(session, now=CLOSE_NOVEMBER) == 1  # nobody delivered
    assert partners.partner_holding(
        session, actor=world.operator, organisation_id=sa
    ).line.status == ("lapsed")
    delivered(session, world, world.collector_a, world.station_a, at=CLOSE_NOVEMBER)
    assert partners.close_partner_month(session, now=datetime(2027, 1, 5, tzinfo=UTC)) == 1
    holding = partners.partner_holding(session, actor=world.operator, organisation_id=sa)
    assert holding.line.status == "active"
    assert holding.grants[-1].month == "2026-12"


def test_hand_grants_stop_at_the_pool(session: Session) -> None:
    world = partner_world(session, cap=2_000)
    a = world.collector_a.organisation_id
    now = CLOSE_OCTOBER
    grant = partners.grant_options(
        session, actor=world.operator, organisation_id=a, shares=999, now=now
    )
    assert (grant.kind, grant.month, grant.unvested) == ("discretionary", "2026-11", 999)
    with pytest.raises(partners.PoolExhausted) as refused:
        partners.grant_options(session, actor=world.operator, organisation_id=a, shares=1, now=now)
    assert refused.value.context == {"available_shares": 0, "shares": 1}
    with pytest.raises(partners.InvalidShares):
        partners.grant_options(session, actor=world.operator, organisation_id=a, shares=0, now=now)
    with pytest.raises(partners.PartnerNotFound):
        partners.grant_options(
            session,
            actor=world.operator,
            organisation_id=world.plant_a.organisation_id,
            shares=1,
            now=now,
        )
    with pytest.raises(MissingPermission):
        partners.grant_options(
            session, actor=world.collector_a, organisation_id=a, shares=1, now=now
        )
    with pytest.raises(partners.PoolBelowOutstanding):
        partners.configure_pool(
            session,
            actor=world.operator,
            total_shares=1_000_000,
            cap_shares=1_999,
            terms=TERMS,
            now=now,
        )
    # The next month's budget is what the pool has left: nothing.
    delivered(session, world, world.collector_a, world.station_a, at=CLOSE_OCTOBER)
    assert partners.close_partner_month(session, now=CLOSE_NOVEMBER) == 1
    assert partners.cap_table(session, actor=world.operator).pool.available_shares == 0


def test_a_departure_forfeits_what_has_not_vested(session: Session) -> None:
    world = partner_world(session)
    a = world.collector_a.organisation_id
    before = partners.cap_table(session, actor=world.operator).pool.outstanding_shares
    left = partners.record_departure(
        session, actor=world.operator, organisation_id=a, now=CLOSE_OCTOBER, note="moved away"
    )
    assert left.line.status == "left"
    assert left.line.forfeited == left.line.granted
    after = partners.cap_table(session, actor=world.operator).pool.outstanding_shares
    assert after == before - left.line.forfeited
    with pytest.raises(partners.IllegalPartnerTransition):
        partners.record_departure(
            session, actor=world.operator, organisation_id=a, now=CLOSE_OCTOBER
        )
    with pytest.raises(partners.PartnerNotActive):
        partners.grant_options(
            session, actor=world.operator, organisation_id=a, shares=1, now=CLOSE_OCTOBER
        )
    with pytest.raises(partners.PartnerNotFound):
        partners.record_departure(
            session,
            actor=world.operator,
            organisation_id=world.plant_a.organisation_id,
            now=CLOSE_OCTOBER,
        )


def test_a_holding_is_its_partner_s_and_staff_s_to_read(session: Session) -> None:
    world = partner_world(session)
    a = world.collector_a.organisation_id
    assert partners.partner_holding(session, actor=world.collector_a, organisation_id=a)
    assert partners.partner_holding(session, actor=world.operator, organisation_id=a)
    for actor in (world.collector_b, world.station_a, world.plant_a, world.regulator):
        with pytest.raises(partners.PartnerNotFound):
            partners.partner_holding(session, actor=actor, organisation_id=a)
    with pytest.raises(partners.PartnerNotFound):  # not a partner (collector b)
        partners.partner_holding(
            session, actor=world.collector_b, organisation_id=world.collector_b.organisation_id
        )
    with pytest.raises(MissingPermission):
        partners.cap_table(session, actor=world.collector_a)


def test_the_cap_table_csv_adds_up_to_the_equity(session: Session) -> None:
    world = partner_world(session)
    table = partners.cap_table(session, actor=world.operator)
    rows = list(csv.reader(io.StringIO(partners.cap_table_csv(table))))
    assert rows[0][0] == "holder"
    body = rows[1:-1]
    assert len(body) == len(table.lines) + 2
    assert sum(int(r[8]) for r in body) == int(rows[-1][8]) == 1_000_000
    assert rows[-2][:1] == ["other shareholders"]
    assert rows[-2][9] == "80.00"


def test_option_events_cannot_be_rewritten(session: Session) -> None:
    partner_world(session)
    for table in ("option_grant", "partner_status_change", "option_pool_change"):
        with pytest.raises(DBAPIError), session.begin_nested():
            session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names


def test_the_worker_closes_a_month_once(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    partner_world(session)
    session.commit()
    clock = FrozenClock(CLOSE_NOVEMBER)
    assert run_due_jobs(session_factory, clock, jobs=PARTNER_JOB) == {"close_partner_month": 1}
    assert run_due_jobs(session_factory, clock, jobs=PARTNER_JOB) == {"close_partner_month": 0}


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("grant"), st.integers(min_value=-1, max_value=120_000)),
        st.tuples(st.just("resize"), st.integers(min_value=0, max_value=300_000)),
        st.tuples(st.just("leave"), st.sampled_from(("collector_a", "station_a"))),
        st.tuples(st.just("month"), st.integers(min_value=1, max_value=3)),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPERATIONS)
def test_the_pool_stays_within_20_percent_in_the_database_under_any_sequence(
    session: Session, ops: list[tuple]
) -> None:
    with session.begin_nested() as outer:
        world = partner_world(session)
        now = CLOSE_OCTOBER
        for kind, value in ops:
            try:
                with session.begin_nested():
                    if kind == "grant":
                        partners.grant_options(
                            session,
                            actor=world.operator,
                            organisation_id=world.collector_a.organisation_id,
                            shares=value,
                            now=now,
                        )
                    elif kind == "resize":
                        partners.configure_pool(
                            session,
                            actor=world.operator,
                            total_shares=1_000_000,
                            cap_shares=value,
                            terms=TERMS,
                            now=now,
                        )
                    elif kind == "leave":
                        partners.record_departure(
                            session,
                            actor=world.operator,
                            organisation_id=getattr(world, value).organisation_id,
                            now=now,
                        )
                    else:
                        now = now + timedelta(days=31 * value)
                        partners.close_partner_month(session, now=now)
            except DomainError:
                pass
            row = session.execute(
                text("SELECT total_shares, cap_shares, outstanding_shares FROM option_pool")
            ).one()
            assert row.cap_shares * 10_000 <= row.total_shares * 2_000
            assert 0 <= row.outstanding_shares <= row.cap_shares
            table = partners.cap_table(session, actor=world.operator)
            assert sum(line.outstanding for line in table.lines) == row.outstanding_shares
        outer.rollback()
