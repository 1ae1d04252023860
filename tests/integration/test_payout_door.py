"""Households paid at the door: from the collector's balance (default), or directly by the
platform to the household's bank account (a payout charged to the collector)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from ewaste import ledger, orders, payouts
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import World, assign_to, book, build_world, door_mass


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def balance(session: Session, org: int) -> Money:
    return ledger.balance(session, ledger.Accounts.party(org))


def test_the_platform_pays_the_household_to_its_bank_account(
    session: Session, world: World, clock: FrozenClock
) -> None:
    payouts.save_bank_account(
        session,
        actor=world.household_a,
        holder="李女士",
        bank_name="招商银行",
        account_number="6225880012345678",
        now=clock.now(),
    )
    pickup = book(session, world.household_a, now=clock.now())
    collector = world.collector_a
    assign_to(session, world, pickup.id, collector, now=clock.now())
    household_before = balance(session, world.household_a.organisation_id)
    collector_before = balance(session, collector.organisation_id)

    done = orders.collect_pickup(
        session,
        actor=collector,
        pickup_id=pickup.id,
        units=[orders.DoorUnit("tv_flat", door_mass(10_200))],
        now=clock.now(),
        paid_by=orders.DoorPayment.PLATFORM,
    )

    paid = done.pickup.paid
    assert paid is not None
    assert paid.is_positive()
    assert balance(session, world.household_a.organisation_id) == household_before
    assert balance(session, collector.organisation_id) == collector_before - paid
    (payout,) = payouts.payouts_for(session, actor=world.household_a)
    assert (payout.amount, payout.status, payout.source) == (
        paid,
        "requested",
        f"door:pickup:{pickup.id}",
    )
    assert payouts.reconcile(session, actor=world.operator).ok


def test_without_a_bank_account_the_platform_cannot_pay_and_nothing_is_collected(
    session: Session, world: World, clock: FrozenClock
) -> None:
    pickup = book(session, world.household_a, now=clock.now())
    collector = world.collector_a
    assign_to(session, world, pickup.id, collector, now=clock.now())
    with pytest.raises(payouts.BankAccountMissing), session.begin_nested():
        orders.collect_pickup(
            session,
            actor=collector,
            pickup_id=pickup.id,
            units=[orders.DoorUnit("tv_flat", door_mass(10_200))],
            now=clock.now(),
            paid_by=orders.DoorPayment.PLATFORM,
        )
    assert (
        orders.get_pickup(session, actor=world.operator, pickup_id=pickup.id).status == "assigned"
    )
