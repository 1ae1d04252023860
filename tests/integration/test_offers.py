"""Offer mode: a waiting pickup is offered to the collectors whose routes take it most
cheaply; the first to accept gets it; the rest are withdrawn; unanswered offers expire and
the pickup goes back to the assignment round."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from ewaste import dispatch, orders
from ewaste.identity import MissingPermission
from ewaste.kernel.geo import GeoPoint
from tests.conftest import T0
from tests.factories import FUTIAN, LONGGANG, World, book, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, now=T0)


def waiting(session: Session, world: World, at: GeoPoint = FUTIAN) -> orders.PickupView:
    return book(session, world.household_a, now=T0, at=at, starts=T0 + timedelta(hours=2))


def offer(session: Session, world: World, pickup_id: int, **kw: int) -> list[dispatch.OfferView]:
    return dispatch.offer_pickup(session, actor=world.operator, pickup_id=pickup_id, now=T0, **kw)


def test_offers_go_to_the_collectors_whose_routes_take_it_cheapest_first(
    session: Session, world: World
) -> None:
    pickup = waiting(session, world, at=GeoPoint(FUTIAN.lat + 0.01, FUTIAN.lon))
    made = offer(session, world, pickup.id, collectors=2, minutes=15)
    assert [o.collector_id for o in made] == [
        world.collector_a.organisation_id,  # based in Futian
        world.collector_b.organisation_id,  # based in Longgang
    ]
    assert made[0].added_m < made[1].added_m
    assert all(o.status == "open" and o.expires_at == T0 + timedelta(minutes=15) for o in made)
    assert orders.get_pickup(session, actor=world.operator, pickup_id=pickup.id).status == (
        "requested"
    )


def test_the_first_to_accept_gets_it_and_the_others_are_withdrawn(
    session: Session, world: World
) -> None:
    pickup = waiting(session, world)
    first, second = offer(session, world, pickup.id, collectors=2)
    taker = world.collector_b if second.collector_id == world.collector_b.organisation_id else None
    assert taker is not None
    taken = dispatch.accept_offer(session, actor=taker, offer_id=second.id, now=T0)
    assert taken.status == "assigned"
    assert taken.collector_id == taker.organisation_id
    with pytest.raises(dispatch.OfferClosed) as late:
        dispatch.accept_offer(session, actor=world.collector_a, offer_id=first.id, now=T0)
    assert late.value.context["status"] == "withdrawn"
    assert dispatch.open_offers(session, actor=world.operator) == []


def test_another_collectors_offer_is_not_found_and_nothing_changes(
    session: Session, world: World
) -> None:
    pickup = waiting(session, world)
    [only] = offer(session, world, pickup.id, collectors=1)
    stranger = (
        world.collector_b
        if only.collector_id == world.collector_a.organisation_id
        else world.collector_a
    )
    with pytest.raises(dispatch.OfferNotFound):
        dispatch.accept_offer(session, actor=stranger, offer_id=only.id, now=T0)
    assert dispatch.open_offers(session, actor=world.operator)[0].id == only.id


def test_a_declined_or_expired_offer_cannot_be_accepted(session: Session, world: World) -> None:
    pickup = waiting(session, world)
    first, second = offer(session, world, pickup.id, collectors=2, minutes=5)
    a = world.collector_a if first.collector_id == world.collector_a.organisation_id else None
    b = world.collector_b if second.collector_id == world.collector_b.organisation_id else None
    assert a is not None
    assert b is not None
    assert dispatch.decline_offer(session, actor=a, offer_id=first.id, now=T0).status == "declined"
    with pytest.raises(dispatch.OfferClosed):
        dispatch.accept_offer(session, actor=a, offer_id=first.id, now=T0)
    later = T0 + timedelta(minutes=6)
    with pytest.raises(dispatch.OfferClosed) as expired:
        dispatch.accept_offer(session, actor=b, offer_id=second.id, now=later)
    assert expired.value.context["status"] == "expired"


def test_offered_pickups_wait_for_answers_then_fall_back_to_assignment(
    session: Session, world: World
) -> None:
    pickup = waiting(session, world, at=LONGGANG)
    offer(session, world, pickup.id, collectors=2, minutes=5)
    round_one = dispatch.assign_waiting_pickups(session, actor=world.operator, now=T0)
    assert round_one.assigned == 0  # the offers are still open
    later = T0 + timedelta(minutes=6)
    assert dispatch.expire_offers(session, now=later) == 2
    round_two = dispatch.assign_waiting_pickups(session, actor=world.operator, now=later)
    assert round_two.assigned == 1
    again = orders.get_pickup(session, actor=world.operator, pickup_id=pickup.id)
    assert again.collector_id == world.collector_b.organisation_id


def test_assigning_an_offered_pickup_by_hand_withdraws_its_offers(
    session: Session, world: World
) -> None:
    pickup = waiting(session, world)
    made = offer(session, world, pickup.id, collectors=2)
    dispatch.assign_pickup(session, actor=world.operator, pickup_id=pickup.id, now=T0)
    assert dispatch.open_offers(session, actor=world.operator) == []
    with pytest.raises(dispatch.OfferClosed):
        dispatch.accept_offer(session, actor=world.collector_a, offer_id=made[0].id, now=T0)


@pytest.mark.parametrize(("collectors", "minutes"), [(0, 10), (11, 10), (3, 0), (3, 121)])
def test_a_bad_offer_is_refused(
    session: Session, world: World, collectors: int, minutes: int
) -> None:
    pickup = waiting(session, world)
    with pytest.raises(dispatch.InvalidOffer):
        offer(session, world, pickup.id, collectors=collectors, minutes=minutes)
    assert dispatch.open_offers(session, actor=world.operator) == []


def test_a_pickup_is_offered_once_and_only_while_it_waits(session: Session, world: World) -> None:
    pickup = waiting(session, world)
    offer(session, world, pickup.id)
    with pytest.raises(dispatch.AlreadyOffered):
        offer(session, world, pickup.id)
    assigned = waiting(session, world)
    dispatch.assign_pickup(session, actor=world.operator, pickup_id=assigned.id, now=T0)
    with pytest.raises(orders.IllegalPickupTransition):
        offer(session, world, assigned.id)


def test_a_collector_lists_only_its_own_open_offers(session: Session, world: World) -> None:
    pickup = waiting(session, world)
    made = offer(session, world, pickup.id, collectors=2)
    mine = dispatch.open_offers(session, actor=world.collector_a)
    assert [o.collector_id for o in mine] == [world.collector_a.organisation_id]
    assert {o.id for o in dispatch.open_offers(session, actor=world.operator)} == {
        o.id for o in made
    }
    with pytest.raises(MissingPermission):
        dispatch.open_offers(session, actor=world.household_a)


def test_an_offer_stays_good_after_the_operator_who_made_it_leaves(
    session: Session, world: World
) -> None:
    from sqlalchemy import update

    from ewaste import identity
    from ewaste.identity.models import User

    pickup = waiting(session, world)
    made = offer(session, world, pickup.id, collectors=2)
    identity.register_user(
        session,
        organisation_id=world.operator.organisation_id,
        username="operator-2",
        password="another-horse-42",
        now=T0,
    )
    session.execute(update(User).where(User.id == world.operator.user_id).values(active=False))
    mine = next(o for o in made if o.collector_id == world.collector_a.organisation_id)
    taken = dispatch.accept_offer(session, actor=world.collector_a, offer_id=mine.id, now=T0)
    assert taken.collector_id == world.collector_a.organisation_id
    # ... and the worker's jobs act as the first *active* operator.
    assert identity.first_operator(session).username == "operator-2"
