"""Pickup use cases: book, assign, collect at the door (pay and tag), cancel, expire."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import catalog, custody, ledger, payouts, pricing
from ewaste.identity import Actor, Permission
from ewaste.kernel.errors import Conflict
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.money import Money
from ewaste.kernel.quantities import Mass
from ewaste.orders import rules
from ewaste.orders.access import access_pickup, access_pickup_for_reading
from ewaste.orders.models import Pickup, PickupStatusChange
from ewaste.orders.queries import PickupView, pickup_view
from ewaste.orders.repository import PickupRepository
from ewaste.orders.rules import PickupEvent, PickupStatus, TimeWindow


class CollectorNotEligible(Conflict):
    """The organisation chosen as collector is not an active collector."""

    code = "orders.collector_not_eligible"
    message = "Organisation {collector_id} cannot take pickups."


class PickupMoved(Conflict):
    """The pickup was given to another collector since the caller looked."""

    code = "orders.pickup_moved"
    message = "Pickup {pickup_id} is no longer with collector {collector_id}."


@dataclass(frozen=True, slots=True)
class DoorUnit:
    """One item as found at the door: its category and the mass on the collector's scale."""

    category_code: str
    mass: Mass
    code: str | None = None
    """A code the collector's organisation reserved (a label stuck on offline); None: a new one."""


@dataclass(frozen=True, slots=True)
class Collection:
    """The result of a door collection: the pickup and the codes tagged on its units."""

    pickup: PickupView
    unit_codes: tuple[str, ...]


def book_pickup(
    session: Session,
    *,
    actor: Actor,
    quote_id: int,
    address: str,
    location: GeoPoint,
    window: TimeWindow,
    contact_name: str,
    contact_phone: str,
    now: datetime,
) -> PickupView:
    """Book a door pickup for the items of an open quote of the actor's household.

    Raises MissingPermission, QuoteNotFound, QuoteExpired, IllegalQuoteTransition
    (already booked), InvalidWindow, InvalidContact, InvalidAddress. Runs inside
    the caller's transaction; nothing is written when any check fails.
    """
    actor.require(Permission.HOUSEHOLD_PICKUP_CREATE)
    rules.check_window(window, now=now)
    name, phone = rules.check_contact(contact_name, contact_phone)
    street = rules.check_address(address)
    quote = pricing.book_quote(session, actor=actor, quote_id=quote_id, now=now)
    grams = max(1, sum(item.unit_mass_g * item.quantity for item in quote.items))
    handled = [(catalog.handling_of(item.category_code), item.quantity) for item in quote.items]
    pickup = Pickup(
        household_id=actor.organisation_id,
        quote_id=quote.id,
        address=street,
        lat=location.lat,
        lon=location.lon,
        window_start=window.start,
        window_end=window.end,
        contact_name=name,
        contact_phone=phone,
        estimated_grams=grams,
        estimated_litres=sum(h.litres_per_unit * n for h, n in handled),
        service_seconds=rules.DOOR_SECONDS + sum(h.minutes_per_unit * 60 * n for h, n in handled),
        skills="|".join(sorted(set().union(*(h.skills for h, _ in handled)))),
        quoted_fen=quote.total.minor,
        status=PickupStatus.REQUESTED.value,
        created_at=now,
    )
    PickupRepository(session).add(pickup)
    _record(session, pickup, None, "booked", actor_id=actor.user_id, now=now)
    return pickup_view(pickup)


def get_pickup(session: Session, *, actor: Actor, pickup_id: int) -> PickupView:
    """One pickup the actor may see; PickupNotFound otherwise."""
    return pickup_view(access_pickup_for_reading(session, actor=actor, pickup_id=pickup_id))


def cancel_pickup(
    session: Session, *, actor: Actor, pickup_id: int, now: datetime, reason: str = ""
) -> PickupView:
    """Cancel a pickup not yet collected, free of charge (its household or an operator).

    Raises PickupNotFound, IllegalPickupTransition.
    """
    permission = (
        Permission.STAFF_PICKUP_CANCEL
        if actor.can(Permission.STAFF_PICKUP_CANCEL)
        else Permission.HOUSEHOLD_PICKUP_CANCEL
    )
    pickup = access_pickup(
        session, actor=actor, pickup_id=pickup_id, permission=permission, for_update=True
    )
    apply_event(
        session, pickup, PickupEvent.CANCEL, actor_id=actor.user_id, now=now, note=reason[:200]
    )
    return pickup_view(pickup)


def assign_collector(
    session: Session,
    *,
    actor: Actor,
    pickup_id: int,
    collector_id: int,
    collector_role: str,
    now: datetime,
) -> PickupView:
    """Give a requested pickup to a collector (called by dispatch after choosing one).

    Raises PickupNotFound, CollectorNotEligible, IllegalPickupTransition.
    """
    pickup = access_pickup(
        session,
        actor=actor,
        pickup_id=pickup_id,
        permission=Permission.STAFF_PICKUP_ASSIGN,
        for_update=True,
    )
    if collector_role != "collector":
        raise CollectorNotEligible(collector_id=collector_id)
    apply_event(session, pickup, PickupEvent.ASSIGN, actor_id=actor.user_id, now=now)
    pickup.collector_id = collector_id
    return pickup_view(pickup)


def reassign_collector(
    session: Session,
    *,
    actor: Actor,
    pickup_id: int,
    from_collector_id: int,
    to_collector_id: int,
    now: datetime,
) -> PickupView:
    """Give an assigned pickup, not yet started, from one collector to another (the city
    planner moving a stop between routes). The history row names both collectors.

    Raises PickupNotFound, IllegalPickupTransition (no longer assigned: started, collected,
    cancelled), PickupMoved (meanwhile given to a collector other than `from_collector_id`).
    """
    pickup = access_pickup(
        session,
        actor=actor,
        pickup_id=pickup_id,
        permission=Permission.STAFF_PICKUP_ASSIGN,
        for_update=True,
    )
    if pickup.collector_id != from_collector_id:
        raise PickupMoved(pickup_id=pickup_id, collector_id=from_collector_id)
    note = f"collector {from_collector_id} -> {to_collector_id}"
    apply_event(session, pickup, PickupEvent.REASSIGN, actor_id=actor.user_id, now=now, note=note)
    pickup.collector_id = to_collector_id
    return pickup_view(pickup)


def collect_pickup(
    session: Session,
    *,
    actor: Actor,
    pickup_id: int,
    units: Sequence[DoorUnit],
    now: datetime,
    evidence: str = "",
    paid_by: rules.DoorPayment = rules.DoorPayment.COLLECTOR,
) -> Collection:
    """Weigh and tag each unit at the door and pay the household from the collector's balance.

    `paid_by` PLATFORM pays the household directly to its bank account instead (a payout
    charged to the collector's balance; BankAccountMissing when the household gave none).

    The units must be exactly the quoted items; the household is paid the quoted
    total (price changes at the door come with the pricing issue). Raises
    PickupNotFound, IllegalPickupTransition, ItemsDoNotMatchQuote, InvalidMass and
    InsufficientFunds (the collector's balance cannot cover the payment); nothing
    is written when any of them is raised.
    """
    pickup = access_pickup(
        session,
        actor=actor,
        pickup_id=pickup_id,
        permission=Permission.COLLECTOR_PICKUP_COLLECT,
        for_update=True,
    )
    quote = pricing.quote_by_id(session, pickup.quote_id)
    assert quote is not None  # a pickup's quote_id is a foreign key
    quoted: dict[str, int] = {}
    for item in quote.items:
        quoted[item.category_code] = quoted.get(item.category_code, 0) + item.quantity
    rules.check_items_match(quoted, [u.category_code for u in units])
    apply_event(session, pickup, PickupEvent.COLLECT, actor_id=actor.user_id, now=now)
    place = GeoPoint(pickup.lat, pickup.lon)
    codes = []
    for unit in units:
        tagged = custody.tag_unit(
            session,
            actor=actor,
            category_code=unit.category_code,
            household_id=pickup.household_id,
            source_ref=f"pickup:{pickup.id}",
            mass=unit.mass,
            place=place,
            now=now,
            evidence=evidence,
            code=unit.code,
        )
        codes.append(tagged.code)
    paid = Money(max(pickup.quoted_fen - pickup.deductions_fen, 0))
    if paid.is_positive() and paid_by is rules.DoorPayment.PLATFORM:
        payouts.pay_household_at_door(
            session,
            collector_id=actor.organisation_id,
            household_id=pickup.household_id,
            amount=paid,
            pickup_id=pickup.id,
            actor_id=actor.user_id,
            now=now,
        )
    elif paid.is_positive():
        ledger.post_entry(
            session,
            entry=ledger.JournalEntry(
                idempotency_key=f"pickup:{pickup.id}:household-paid",
                occurred_at=now,
                description="Household paid at the door for collected items",
                source=f"pickup:{pickup.id}",
                lines=ledger.transfer(
                    payer=ledger.Accounts.party(actor.organisation_id),
                    payee=ledger.Accounts.party(pickup.household_id),
                    amount=paid,
                ),
            ),
        )
    pickup.paid_fen = paid.minor
    pickup.collected_at = now
    session.flush()
    return Collection(pickup_view(pickup), tuple(codes))


def expire_unconfirmed_pickups(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Expire requested pickups whose window ended before anyone was assigned; return how many."""
    pickups = PickupRepository(session).claim_unconfirmed_past_window(now=now, limit=limit)
    for pickup in pickups:
        apply_event(session, pickup, PickupEvent.EXPIRE, actor_id=None, now=now)
    session.flush()
    return len(pickups)


def waiting_pickups(session: Session, *, now: datetime, limit: int = 500) -> list[PickupView]:
    """Requested pickups awaiting a collector, locked for this transaction (dispatch job)."""
    repo = PickupRepository(session)
    return [pickup_view(p) for p in repo.claim_waiting_for_assignment(now=now, limit=limit)]


def apply_event(
    session: Session,
    pickup: Pickup,
    event: PickupEvent,
    *,
    actor_id: int | None,
    now: datetime,
    note: str = "",
) -> None:
    """Move the pickup along its state table and append the history row (no commit)."""
    before, _ = pickup.apply(event)
    _record(session, pickup, before, event.value, actor_id=actor_id, now=now, note=note)


def _record(
    session: Session,
    pickup: Pickup,
    before: str | None,
    event: str,
    *,
    actor_id: int | None,
    now: datetime,
    note: str = "",
) -> None:
    PickupRepository(session).add_change(
        PickupStatusChange(
            pickup_id=pickup.id,
            from_status=before or "",
            to_status=pickup.status,
            event=event,
            actor_id=actor_id,
            at=now,
            note=note,
        )
    )
