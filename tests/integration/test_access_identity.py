"""identity.access_organisation: each condition, allowed and denied."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from ewaste.identity import OrganisationNotFound, access_organisation
from ewaste.kernel.clock import FrozenClock
from tests.factories import World, build_world

MISSING_ID = 987_654


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def test_a_missing_organisation_is_not_found(session: Session, world: World) -> None:
    with pytest.raises(OrganisationNotFound) as caught:
        access_organisation(session, actor=world.operator, organisation_id=MISSING_ID)
    assert caught.value.context == {"organisation_id": MISSING_ID}


@pytest.mark.parametrize(
    "role", ["household", "collector", "station", "plant", "producer", "regulator", "operator"]
)
def test_every_actor_reaches_its_own_organisation(
    session: Session, world: World, role: str
) -> None:
    actor = world.by_role(role)
    org = access_organisation(session, actor=actor, organisation_id=actor.organisation_id)
    assert org.id == actor.organisation_id


def test_staff_reach_another_organisation(session: Session, world: World) -> None:
    target = world.household_b.organisation_id
    assert access_organisation(session, actor=world.operator, organisation_id=target).id == target


@pytest.mark.parametrize(
    "role", ["household", "collector", "station", "plant", "producer", "regulator"]
)
def test_nobody_else_reaches_another_organisation(
    session: Session, world: World, role: str
) -> None:
    with pytest.raises(OrganisationNotFound):
        access_organisation(
            session,
            actor=world.by_role(role),
            organisation_id=world.station_b.organisation_id,
        )
