"""exchange.access_lot and access_lot_for_reading: each condition, allowed and denied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from ewaste.exchange import LotNotFound
from ewaste.exchange.access import access_lot, access_lot_for_reading
from ewaste.identity import Permission
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


class TestAccessLot:
    @pytest.mark.parametrize("for_update", [False, True])
    def test_a_missing_lot_is_not_found(
        self, session: Session, mw: MatrixWorld, for_update: bool
    ) -> None:
        with pytest.raises(LotNotFound) as caught:
            access_lot(
                session,
                actor=mw.world.operator,
                lot_id=MISSING_ID,
                permission=Permission.STAFF_LOT_READ,
                for_update=for_update,
            )
        assert caught.value.context == {"lot_id": MISSING_ID}

    def test_a_permission_the_role_lacks_hides_even_its_own_lot(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        with pytest.raises(LotNotFound):
            access_lot(
                session,
                actor=mw.world.station_a,
                lot_id=mw.a.lot_listed,
                permission=Permission.PLANT_LOT_BUY,
            )

    @pytest.mark.parametrize("role", ["operator", "regulator"])
    @pytest.mark.parametrize("side", ["a", "b"])
    def test_a_staff_wide_permission_reaches_every_lot(
        self, session: Session, mw: MatrixWorld, role: str, side: str
    ) -> None:
        lot_id = mw.side(side).lot_sold
        lot = access_lot(
            session,
            actor=mw.world.by_role(role),
            lot_id=lot_id,
            permission=Permission.STAFF_LOT_READ,
        )
        assert lot.id == lot_id

    @pytest.mark.parametrize("for_update", [False, True])
    def test_a_station_reaches_its_own_lot(
        self, session: Session, mw: MatrixWorld, for_update: bool
    ) -> None:
        lot = access_lot(
            session,
            actor=mw.world.station_a,
            lot_id=mw.a.lot_sold,
            permission=Permission.STATION_LOT_SHIP,
            for_update=for_update,
        )
        assert lot.station_id == mw.world.station_a.organisation_id

    @pytest.mark.parametrize(
        "permission", [Permission.STATION_LOT_READ, Permission.STATION_LOT_SHIP]
    )
    def test_a_station_does_not_reach_another_stations_lot(
        self, session: Session, mw: MatrixWorld, permission: Permission
    ) -> None:
        # Even a listed lot: the open market is for plants, not for competing stations.
        with pytest.raises(LotNotFound):
            access_lot(
                session, actor=mw.world.station_a, lot_id=mw.b.lot_listed, permission=permission
            )

    @pytest.mark.parametrize(
        "permission",
        [Permission.PLANT_LOT_READ, Permission.PLANT_LOT_BUY, Permission.PLANT_LOT_RECEIVE],
    )
    def test_a_plant_reaches_a_lot_it_bought_with_any_plant_permission(
        self, session: Session, mw: MatrixWorld, permission: Permission
    ) -> None:
        lot = access_lot(
            session, actor=mw.world.plant_a, lot_id=mw.a.lot_shipped, permission=permission
        )
        assert lot.plant_id == mw.world.plant_a.organisation_id

    @pytest.mark.parametrize("permission", [Permission.PLANT_LOT_READ, Permission.PLANT_LOT_BUY])
    @pytest.mark.parametrize("side", ["a", "b"])
    def test_a_plant_reads_and_buys_any_listed_lot(
        self, session: Session, mw: MatrixWorld, permission: Permission, side: str
    ) -> None:
        lot_id = mw.side(side).lot_listed
        lot = access_lot(session, actor=mw.world.plant_a, lot_id=lot_id, permission=permission)
        assert lot.id == lot_id

    def test_a_plant_does_not_receive_a_lot_merely_listed(
        self, session: Session, mw: MatrixWorld
    ) -> None:
        with pytest.raises(LotNotFound):
            access_lot(
                session,
                actor=mw.world.plant_a,
                lot_id=mw.a.lot_listed,
                permission=Permission.PLANT_LOT_RECEIVE,
            )

    @pytest.mark.parametrize(
        "permission",
        [Permission.PLANT_LOT_READ, Permission.PLANT_LOT_BUY, Permission.PLANT_LOT_RECEIVE],
    )
    @pytest.mark.parametrize("attribute", ["lot_sold", "lot_shipped", "lot_received"])
    def test_a_plant_does_not_reach_a_lot_another_plant_bought(
        self, session: Session, mw: MatrixWorld, permission: Permission, attribute: str
    ) -> None:
        with pytest.raises(LotNotFound):
            access_lot(
                session,
                actor=mw.world.plant_a,
                lot_id=getattr(mw.b, attribute),
                permission=permission,
            )


class TestAccessLotForReading:
    @pytest.mark.parametrize(
        ("role", "side", "attribute"),
        [
            ("operator", "b", "lot_received"),
            ("regulator", "b", "lot_sold"),
            ("station", "a", "lot_received"),
            ("plant", "a", "lot_received"),
            ("plant", "b", "lot_listed"),
        ],
    )
    def test_each_read_permission_reaches_what_the_role_may_read(
        self, session: Session, mw: MatrixWorld, role: str, side: str, attribute: str
    ) -> None:
        lot_id = getattr(mw.side(side), attribute)
        actor = mw.world.by_role(role)
        assert access_lot_for_reading(session, actor=actor, lot_id=lot_id).id == lot_id

    @pytest.mark.parametrize(
        ("role", "attribute"), [("station", "lot_listed"), ("plant", "lot_sold")]
    )
    def test_a_read_permission_does_not_reach_another_organisations_lot(
        self, session: Session, mw: MatrixWorld, role: str, attribute: str
    ) -> None:
        with pytest.raises(LotNotFound):
            access_lot_for_reading(
                session, actor=mw.world.by_role(role), lot_id=getattr(mw.b, attribute)
            )

    @pytest.mark.parametrize("role", ["household", "collector", "producer"])
    def test_a_role_without_any_lot_read_permission_sees_no_lot(
        self, session: Session, mw: MatrixWorld, role: str
    ) -> None:
        with pytest.raises(LotNotFound):
            access_lot_for_reading(session, actor=mw.world.by_role(role), lot_id=mw.a.lot_listed)
