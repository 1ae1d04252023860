"""Custody services: handovers are all-or-nothing, follow the holder, and the trace tells the truth.

The two-sided world is built once for the module; each test runs in a savepoint
that is rolled back, so handovers in one test never leak into the next.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from ewaste import compliance, custody
from ewaste.kernel.errors import InvalidInput
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass
from tests.api.matrix_world import (
    MISSING_UNIT_CODE,
    MatrixWorld,
    rolled_back_session,
    shared_world,
)
from tests.conftest import T0


@pytest.fixture(scope="module")
def shared(engine: Engine) -> Iterator[tuple[Connection, MatrixWorld]]:
    with shared_world(engine, now=T0) as pair:
        yield pair


@pytest.fixture
def mw(shared: tuple[Connection, MatrixWorld]) -> MatrixWorld:
    return shared[1]


@pytest.fixture
def session(shared: tuple[Connection, MatrixWorld]) -> Iterator[Session]:
    with rolled_back_session(shared[0]) as s:
        yield s


def delivery(mw: MatrixWorld, *, from_side: str = "a", to_side: str = "a") -> custody.Handover:
    return custody.Handover(
        kind=custody.HandoverKind.DELIVER,
        from_id=mw.world.by_role("collector", from_side).organisation_id,
        to_id=mw.world.by_role("station", to_side).organisation_id,
        at=T0,
        place=GeoPoint(22.5223, 114.0553),
        ref="station-receipt",
    )


def steps(session: Session, mw: MatrixWorld, code: str) -> int:
    return len(custody.trace_unit(session, actor=mw.world.regulator, unit_code=code).steps)


class TestHandOver:
    def test_a_delivery_moves_the_unit_to_the_station_with_the_next_event(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        code = mw.a.unit_with_collector
        (unit,) = custody.hand_over(
            session, actor=mw.world.station_a, unit_codes=[code.lower()], handover=delivery(mw)
        )
        assert (unit.status, unit.holder_id) == ("at_station", mw.world.station_a.organisation_id)
        trace = custody.trace_unit(session, actor=mw.world.regulator, unit_code=code)
        assert [(s.seq, s.kind) for s in trace.steps] == [
            (1, "unit:collect:door"),
            (2, "unit:deliver:station"),
        ]
        assert trace.problems == ()

    def test_a_code_given_twice_is_refused_before_anything_is_written(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        code = mw.a.unit_with_collector
        with pytest.raises(custody.DuplicateUnitCodes) as caught:
            custody.hand_over(
                session,
                actor=mw.world.station_a,
                unit_codes=[code, code.lower()],
                handover=delivery(mw),
            )
        assert caught.value.context == {"unit_code": code}
        assert steps(session, mw, code) == 1

    def test_an_unknown_code_among_known_ones_writes_nothing(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        code = mw.a.unit_with_collector
        with pytest.raises(custody.UnitNotFound):
            custody.hand_over(
                session,
                actor=mw.world.station_a,
                unit_codes=[code, MISSING_UNIT_CODE],
                handover=delivery(mw),
            )
        assert steps(session, mw, code) == 1

    def test_a_giver_who_does_not_hold_every_unit_writes_nothing(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        # Collector b delivers its own unit and one collector a holds: both are refused.
        own, foreign = mw.b.unit_with_collector, mw.a.unit_with_collector
        with pytest.raises(custody.WrongHolder) as caught:
            custody.hand_over(
                session,
                actor=mw.world.station_a,
                unit_codes=[own, foreign],
                handover=delivery(mw, from_side="b"),
            )
        assert caught.value.context == {"unit_code": foreign}
        assert steps(session, mw, own) == steps(session, mw, foreign) == 1

    def test_a_handover_out_of_order_is_refused(self, session: Session, mw: MatrixWorld) -> None:
        collector = mw.world.collector_a.organisation_id
        shipment = custody.Handover(
            kind=custody.HandoverKind.SHIP,
            from_id=collector,
            to_id=mw.world.plant_a.organisation_id,
            at=T0,
            place=None,
            ref="lot:0",
        )
        with pytest.raises(custody.IllegalHandover):
            custody.hand_over(
                session,
                actor=mw.world.collector_a,
                unit_codes=[mw.a.unit_with_collector],
                handover=shipment,
            )
        assert steps(session, mw, mw.a.unit_with_collector) == 1

    @pytest.mark.parametrize("codes", [["not-a-code"], ["EW123"]])
    def test_a_malformed_code_is_refused(
        self, session: Session, mw: MatrixWorld, codes: list[str]
    ) -> None:
        with pytest.raises(custody.InvalidUnitCode):
            custody.hand_over(
                session, actor=mw.world.station_a, unit_codes=codes, handover=delivery(mw)
            )

    def test_a_shipped_unit_stays_with_the_station_until_the_plant_receives_it(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        (unit,) = custody.units_by_codes(session, [mw.a.lot_shipped_codes[0]])
        assert (unit.status, unit.holder_id) == ("in_transit", mw.world.station_a.organisation_id)


class TestTagUnit:
    def test_a_tagged_unit_starts_with_the_households_handover_at_the_door(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        unit = custody.tag_unit(
            session,
            actor=mw.world.collector_a,
            category_code="tv_flat",
            household_id=mw.world.household_a.organisation_id,
            source_ref="pickup:test",
            mass=Mass(10_200),
            place=None,
            now=T0,
        )
        assert custody.parse_unit_code(unit.code) == unit.code
        assert (unit.status, unit.holder_id) == (
            "with_collector",
            mw.world.collector_a.organisation_id,
        )
        trace = custody.trace_unit(session, actor=mw.world.operator, unit_code=unit.code)
        assert [(s.seq, s.kind, s.grams, s.lat) for s in trace.steps] == [
            (1, "unit:collect:door", 10_200, None)
        ]

    def test_a_unit_that_weighs_nothing_is_refused(self, session: Session, mw: MatrixWorld) -> None:
        with pytest.raises(InvalidInput):
            custody.tag_unit(
                session,
                actor=mw.world.collector_a,
                category_code="tv_flat",
                household_id=mw.world.household_a.organisation_id,
                source_ref="pickup:test",
                mass=Mass(0),
                place=None,
                now=T0,
            )


class TestTrace:
    def test_the_household_appears_by_role_only_and_without_its_position(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        trace = custody.trace_unit(session, actor=mw.world.operator, unit_code=mw.a.unit_at_plant)
        door = trace.steps[0]
        assert (door.from_role, door.from_name, door.lat, door.lon) == (
            "household",
            "",
            None,
            None,
        )
        assert door.to_role == "collector"
        assert door.to_name
        later = trace.steps[1:]
        assert all(s.from_name and s.to_name for s in later)
        assert [s.kind for s in trace.steps] == [
            "unit:collect:door",
            "unit:deliver:station",
            "unit:ship:dispatch",
            "unit:receive:plant",
        ]
        assert not trace.complete
        assert trace.problems == ()

    def test_a_dismantled_unit_has_a_complete_chain_and_is_counted(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        complete_before, total = custody.chain_completeness(session)
        compliance.record_dismantling(
            session,
            actor=mw.world.plant_a,
            unit_code=mw.a.unit_at_plant,
            line="L1",
            fractions={"plastics": 5000, "glass": 3000},
            now=T0,
        )
        trace = custody.trace_unit(session, actor=mw.world.regulator, unit_code=mw.a.unit_at_plant)
        assert trace.complete
        assert trace.status == "dismantled"
        assert trace.steps[-1].grams == 8000
        assert custody.chain_completeness(session) == (complete_before + 1, total)
