"""custody.access_unit_trace: each condition, allowed and denied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from ewaste.custody import InvalidUnitCode, UnitNotFound, access_unit_trace
from ewaste.identity import ROLE_PERMISSIONS, Role
from tests.api.matrix_world import MISSING_UNIT_CODE, MatrixWorld, rolled_back_session, shared_world
from tests.conftest import T0


# The access checks only read, so the world is built once for the module and each test
# gets a session whose writes (row locks included) are rolled back. This `session`
# overrides the suite's own for this module.
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


def test_a_malformed_code_is_refused_before_any_lookup(session: Session, mw: MatrixWorld) -> None:
    with pytest.raises(InvalidUnitCode):
        access_unit_trace(session, actor=mw.world.operator, unit_code="not-a-code")


def test_an_unknown_code_is_not_found(session: Session, mw: MatrixWorld) -> None:
    with pytest.raises(UnitNotFound) as caught:
        access_unit_trace(session, actor=mw.world.operator, unit_code=MISSING_UNIT_CODE)
    assert caught.value.context == {"unit_code": MISSING_UNIT_CODE}


def test_a_typed_code_is_normalised_before_the_lookup(session: Session, mw: MatrixWorld) -> None:
    typed = mw.a.unit_at_plant.lower()
    assert access_unit_trace(session, actor=mw.world.regulator, unit_code=typed).code == (
        mw.a.unit_at_plant
    )


@pytest.mark.parametrize("role", ["operator", "regulator"])
@pytest.mark.parametrize("side", ["a", "b"])
def test_auditors_reach_every_unit(session: Session, mw: MatrixWorld, role: str, side: str) -> None:
    code = mw.side(side).unit_with_collector
    assert access_unit_trace(session, actor=mw.world.by_role(role), unit_code=code).code == code


def test_a_role_without_the_party_trace_permission_sees_nothing(
    session: Session, mw: MatrixWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No role lacks both trace permissions today; strip the producer's to show the guard.
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.PRODUCER, frozenset())  # type: ignore[arg-type]
    with pytest.raises(UnitNotFound):
        access_unit_trace(session, actor=mw.world.producer, unit_code=mw.a.unit_with_collector)


@pytest.mark.parametrize("attribute", ["unit_with_collector", "unit_at_station", "unit_at_plant"])
def test_the_household_reaches_every_unit_it_handed_over(
    session: Session, mw: MatrixWorld, attribute: str
) -> None:
    code = getattr(mw.a, attribute)
    assert access_unit_trace(session, actor=mw.world.household_a, unit_code=code).code == code


@pytest.mark.parametrize(
    ("role", "attribute"),
    [
        ("collector", "unit_with_collector"),
        ("collector", "unit_at_plant"),
        ("station", "unit_at_station"),
        ("station", "unit_at_plant"),
        ("plant", "unit_at_plant"),
    ],
)
def test_a_party_reaches_every_unit_it_gave_or_received(
    session: Session, mw: MatrixWorld, role: str, attribute: str
) -> None:
    code = getattr(mw.a, attribute)
    assert access_unit_trace(session, actor=mw.world.by_role(role), unit_code=code).code == code


@pytest.mark.parametrize(
    ("role", "attribute"),
    [
        ("household", "unit_with_collector"),
        ("collector", "unit_with_collector"),
        ("station", "unit_at_station"),
        ("plant", "unit_at_plant"),
        ("producer", "unit_at_plant"),
    ],
)
def test_a_party_does_not_reach_a_unit_only_others_handled(
    session: Session, mw: MatrixWorld, role: str, attribute: str
) -> None:
    with pytest.raises(UnitNotFound):
        access_unit_trace(session, actor=mw.world.by_role(role), unit_code=getattr(mw.b, attribute))


def test_a_plant_does_not_reach_the_units_of_a_lot_it_has_not_bought(
    session: Session, mw: MatrixWorld
) -> None:
    # Listed lots show their unit codes to every plant; their chains stay private.
    with pytest.raises(UnitNotFound):
        access_unit_trace(session, actor=mw.world.plant_b, unit_code=mw.a.lot_listed_codes[0])
