"""Random sequences of sales, receptions (clean or decided against the seller), score
changes and releases, on the database: after every step the ledger balances, the seller's
running totals equal the sums over its settlements, and the guarantee fund holds exactly
minus (outstanding advances + what sellers owe): money is never created or lost."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ewaste import exchange, ledger, settlement
from ewaste.kernel.money import Money
from ewaste.settlement.models import Settlement, SettlementSeller
from tests.conftest import T0
from tests.factories import World, build_world
from tests.integration.settlement.helpers import buy, decide, listed, score, ship_and_receive

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("sell"), st.integers(min_value=1, max_value=600)),
        st.tuples(st.just("receive"), st.integers(min_value=0, max_value=100)),
        st.tuples(st.just("rescore"), st.sampled_from((None, 400, 600, 800))),
        st.tuples(st.just("release"), st.just(0)),
    ),
    min_size=1,
    max_size=7,
)


def _check(session: Session, world: World) -> None:
    assert ledger.check_ledger(session).ok
    station = world.station_a.organisation_id
    rows = session.scalars(select(Settlement).where(Settlement.seller_id == station)).all()
    totals = session.get(SettlementSeller, station)
    outstanding = sum(r.advanced_fen for r in rows if r.status == "advanced")
    owed = sum(r.shortfall_fen - r.recovered_fen for r in rows)
    assert (totals.outstanding_fen if totals else 0) == outstanding
    assert (totals.owed_fen if totals else 0) == owed
    everyone = session.execute(
        select(
            func.coalesce(func.sum(SettlementSeller.outstanding_fen), 0),
            func.coalesce(func.sum(SettlementSeller.owed_fen), 0),
        )
    ).one()
    fund = ledger.balance(session, ledger.Accounts.GUARANTEE_FUND)
    assert fund == Money(-int(everyone[0] + everyone[1]))  # PostgreSQL sums to NUMERIC
    for row in rows:
        if row.status == "settled" and row.share_fen is not None and row.held_fen == 0:
            assert row.repaid_fen + row.recovered_fen + row.paid_fen == row.share_fen
        if row.status == "held":
            assert row.held_fen == row.share_fen


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPERATIONS)
def test_any_sequence_keeps_the_fund_the_totals_and_the_ledger_whole(
    session: Session, ops: list[tuple[str, int | None]]
) -> None:
    with session.begin_nested() as outer:
        world = build_world(session, now=T0)
        now = T0
        score(session, world.station_a.organisation_id, 800, at=now)
        sold: list[int] = []
        for kind, value in ops:
            if kind == "sell":
                assert value is not None
                lot_id = listed(session, world, now, price=Money(value * 100))
                buy(session, world, lot_id, now)
                sold.append(lot_id)
            elif kind == "receive" and sold:
                assert value is not None
                lot_id = sold.pop(0)
                lot = exchange.get_lot(session, actor=world.operator, lot_id=lot_id)
                if value >= 50:
                    ship_and_receive(session, world, lot_id, now)
                else:  # decided against the seller at value % of the price
                    ship_and_receive(session, world, lot_id, now, weighed=False)
                    decide(session, world, lot_id, now, price=Money(lot.price.minor * value // 100))
            elif kind == "rescore":
                now = now + timedelta(days=7)
                if value is not None:
                    score(session, world.station_a.organisation_id, value, at=now)
            elif kind == "release":
                now = now + timedelta(days=7)
                settlement.release_due(session, now=now, limit=100)
            _check(session, world)
        outer.rollback()
