"""orders.access_pickup and access_pickup_for_reading: each condition, allowed and denied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from ewaste.identity import Permission
from ewaste.orders import PickupNotFound
from ewaste.orders.access import access_pickup, access_pickup_for_reading
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


class TestAccessPickup:
    @pytest.mark.parametrize("for_update", [False, True])
    def test_a_missing_pickup_is_not_found(
        self, session: Session, mw: MatrixWorld, for_update: bool
    ) -> None:
        with pytest.raises(PickupNotFound) as caught:
            access_pickup(
                session,
                actor=mw.world.operator,
                pickup_id=MISSING_ID,
                permission=Permission.STAFF_PICKUP_READ,
                for_update=for_update,
            )
        assert caught.value.context == {"pickup_id": MISSING_ID}

    @pytest.mark.parametrize("for_update", [False, True])
    def test_the_household_reaches_its_own_pickup(
        self, session: Session, mw: MatrixWorld, for_update: bool
    ) -> None:
        pickup = access_pickup(
            session,
            actor=mw.world.household_a,
            pickup_id=mw.a.pickup_requested,
            permission=Permission.HOUSEHOLD_PICKUP_CANCEL,
            for_update=for_update,
        )
        assert pickup.id == mw.a.pickup_requested

    def test_a_permission_the_role_lacks_hides_the_pickup(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        # The household owns the pickup, but collecting is not a household's to do.
        with pytest.raises(PickupNotFound):
            access_pickup(
                session,
                actor=mw.world.household_a,
                pickup_id=mw.a.pickup_assigned,
                permission=Permission.COLLECTOR_PICKUP_COLLECT,
            )

    @pytest.mark.parametrize("side", ["a", "b"])
    def test_a_staff_wide_permission_reaches_every_pickup(
        self, session: Session, mw: MatrixWorld, side: str
    ) -> None:
        pickup_id = mw.side(side).pickup_requested
        pickup = access_pickup(
            session,
            actor=mw.world.operator,
            pickup_id=pickup_id,
            permission=Permission.STAFF_PICKUP_CANCEL,
        )
        assert pickup.id == pickup_id

    def test_a_household_does_not_reach_another_households_pickup(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        with pytest.raises(PickupNotFound):
            access_pickup(
                session,
                actor=mw.world.household_a,
                pickup_id=mw.b.pickup_requested,
                permission=Permission.HOUSEHOLD_PICKUP_READ,
            )

    def test_a_collector_reaches_a_pickup_assigned_to_it(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        pickup = access_pickup(
            session,
            actor=mw.world.collector_a,
            pickup_id=mw.a.pickup_assigned,
            permission=Permission.COLLECTOR_PICKUP_COLLECT,
        )
        assert pickup.collector_id == mw.world.collector_a.organisation_id

    @pytest.mark.parametrize(
        ("side", "attribute"),
        [("b", "pickup_assigned"), ("a", "pickup_requested")],
        ids=["assigned-to-another-collector", "not-assigned-yet"],
    )
    def test_a_collector_does_not_reach_pickups_not_assigned_to_it(
        self, session: Session, mw: MatrixWorld, side: str, attribute: str
    ) -> None:
        with pytest.raises(PickupNotFound):
            access_pickup(
                session,
                actor=mw.world.collector_a,
                pickup_id=getattr(mw.side(side), attribute),
                permission=Permission.COLLECTOR_PICKUP_READ,
            )


class TestAccessPickupForReading:
    @pytest.mark.parametrize(
        ("role", "attribute"),
        [
            ("operator", "pickup_requested"),
            ("household", "pickup_requested"),
            ("collector", "pickup_assigned"),
        ],
    )
    def test_each_read_permission_reaches_the_roles_pickups(
        self, session: Session, mw: MatrixWorld, role: str, attribute: str
    ) -> None:
        pickup_id = getattr(mw.a, attribute)
        actor = mw.world.by_role(role)
        assert access_pickup_for_reading(session, actor=actor, pickup_id=pickup_id).id == (
            pickup_id
        )

    @pytest.mark.parametrize(
        ("role", "attribute"),
        [("household", "pickup_requested"), ("collector", "pickup_assigned")],
    )
    def test_a_read_permission_does_not_reach_another_organisations_pickup(
        self, session: Session, mw: MatrixWorld, role: str, attribute: str
    ) -> None:
        with pytest.raises(PickupNotFound):
            access_pickup_for_reading(
                session, actor=mw.world.by_role(role), pickup_id=getattr(mw.b, attribute)
            )

    @pytest.mark.parametrize("role", ["station", "plant", "producer", "regulator"])
    def test_a_role_without_any_read_permission_sees_no_pickup(
        self, session: Session, mw: MatrixWorld, role: str
    ) -> None:
        with pytest.raises(PickupNotFound):
            access_pickup_for_reading(
                session, actor=mw.world.by_role(role), pickup_id=mw.a.pickup_requested
            )
