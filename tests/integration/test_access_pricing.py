"""pricing.access_quote: each condition, allowed and denied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from ewaste.pricing.access import access_quote
from ewaste.pricing.rules import QuoteNotFound
from tests.api.matrix_world import MISSING_ID, MatrixWorld, rolled_back_session, shared_world
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


@pytest.mark.parametrize("for_update", [False, True])
def test_a_missing_quote_is_not_found(session: Session, mw: MatrixWorld, for_update: bool) -> None:
    with pytest.raises(QuoteNotFound) as caught:
        access_quote(session, actor=mw.world.operator, quote_id=MISSING_ID, for_update=for_update)
    assert caught.value.context == {"quote_id": MISSING_ID}


@pytest.mark.parametrize("for_update", [False, True])
def test_the_household_reaches_its_own_quote(
    session: Session, mw: MatrixWorld, for_update: bool
) -> None:
    quote = access_quote(
        session, actor=mw.world.household_a, quote_id=mw.a.quote_open, for_update=for_update
    )
    assert quote.household_id == mw.world.household_a.organisation_id


@pytest.mark.parametrize("side", ["a", "b"])
def test_staff_who_read_pickups_reach_every_quote(
    session: Session, mw: MatrixWorld, side: str
) -> None:
    quote_id = mw.side(side).quote_open
    assert access_quote(session, actor=mw.world.operator, quote_id=quote_id).id == quote_id


@pytest.mark.parametrize("role", ["collector", "station", "plant", "producer", "regulator"])
def test_a_role_that_does_not_read_quotes_sees_none(
    session: Session, mw: MatrixWorld, role: str
) -> None:
    with pytest.raises(QuoteNotFound):
        access_quote(session, actor=mw.world.by_role(role), quote_id=mw.a.quote_open)


def test_a_household_does_not_reach_another_households_quote(
    session: Session, mw: MatrixWorld
) -> None:
    with pytest.raises(QuoteNotFound):
        access_quote(session, actor=mw.world.household_a, quote_id=mw.b.quote_open)
