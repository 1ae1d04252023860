"""Offer mode: a waiting pickup is offered to the few collectors whose routes take it most
cheaply; the first to accept gets it; unanswered offers expire and the pickup goes back
to ordinary assignment by insertion.

Accepting assigns the pickup in the name of the operator who offered it, through the
pickup's own state table: the pickup row is locked, so two collectors accepting at once
queue on it and the second finds it taken (OfferClosed); the pickup then takes its
cheapest place in the collector's stored route plan. Offers of a pickup that gets
assigned are withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import identity, orders
from ewaste.dispatch import route_plans, rules
from ewaste.dispatch.board import Board
from ewaste.dispatch.models import PickupOffer
from ewaste.dispatch.repository import CollectorRepository, OfferRepository
from ewaste.dispatch.rules import (
    AlreadyOffered,
    NoEligibleCollector,
    OfferClosed,
    OfferEvent,
    OfferNotFound,
    OfferStatus,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.clock import china_day
from ewaste.kernel.ids import UserId

OPEN = OfferStatus.OPEN.value


@dataclass(frozen=True, slots=True)
class OfferView:
    """An offer as its collector and staff see it."""

    id: int
    pickup_id: int
    collector_id: int
    added_m: int
    offered_at: datetime
    expires_at: datetime
    status: str
    window_start: datetime
    window_end: datetime
    estimated_grams: int
    """What the collector needs to decide; the address is shown once the pickup is its."""


def offer_view(session: Session, offer: PickupOffer) -> OfferView:
    """The read model of an offer, with the pickup's window and load."""
    pickup = orders.pickup_by_id(session, offer.pickup_id)
    if pickup is None:  # cannot happen: a foreign key holds it
        raise OfferNotFound(offer_id=offer.id)
    return OfferView(
        offer.id,
        offer.pickup_id,
        offer.collector_id,
        offer.added_m,
        offer.offered_at,
        offer.expires_at,
        offer.status,
        pickup.window_start,
        pickup.window_end,
        pickup.estimated_grams,
    )


def offer_pickup(
    session: Session,
    *,
    actor: Actor,
    pickup_id: int,
    now: datetime,
    collectors: int = 3,
    minutes: int = 10,
) -> list[OfferView]:
    """Offer a waiting pickup to the `collectors` whose routes take it for the fewest extra
    metres, for `minutes`. Raises MissingPermission, InvalidOffer, PickupNotFound,
    IllegalPickupTransition (the pickup is not waiting), AlreadyOffered,
    NoEligibleCollector."""
    actor.require(Permission.STAFF_PICKUP_ASSIGN)
    rules.check_offer(collectors, minutes)
    pickup = orders.get_pickup(session, actor=actor, pickup_id=pickup_id)
    if pickup.status != orders.PickupStatus.REQUESTED.value:
        raise orders.IllegalPickupTransition(event="offer", current=pickup.status)
    repo = OfferRepository(session)
    if repo.of_pickup_locked(pickup_id, status=OPEN):
        raise AlreadyOffered(pickup_id=pickup_id)
    ranked = Board(session, now).ranked_for(pickup)[:collectors]
    if not ranked:
        raise NoEligibleCollector(grams=pickup.estimated_grams, pickup_id=pickup_id)
    offers = [
        PickupOffer(
            pickup_id=pickup_id,
            collector_id=place.collector_id,
            offered_by=actor.user_id,
            added_m=place.added_m,
            offered_at=now,
            expires_at=now + timedelta(minutes=minutes),
            status=OPEN,
        )
        for place in ranked
    ]
    repo.add_all(offers)
    return [offer_view(session, o) for o in offers]


def accept_offer(
    session: Session, *, actor: Actor, offer_id: int, now: datetime
) -> orders.PickupView:
    """The collector takes the offered pickup, if it is still open and nobody was faster.

    Raises MissingPermission, OfferNotFound (also another collector's offer), OfferClosed.
    """
    actor.require(Permission.COLLECTOR_OFFER_RESPOND)
    offer = _own_offer(session, actor, offer_id)
    if offer.status != OPEN:
        raise OfferClosed(offer_id=offer_id, status=offer.status)
    if offer.expires_at <= now:
        raise OfferClosed(offer_id=offer_id, status=OfferStatus.EXPIRED.value)
    try:
        operator = identity.actor_for_user(session, user_id=UserId(offer.offered_by))
    except identity.InvalidToken:  # the operator who offered has left: the platform assigns
        operator = identity.first_operator(session)
    # The collector's routes change: take its profile lock before the pickup's, in the
    # order assignment rounds take them (profiles, then pickups), so neither deadlocks.
    CollectorRepository(session).lock(actor.organisation_id)
    try:
        # Locks the pickup row first: concurrent acceptances queue here.
        pickup = orders.assign_collector(
            session,
            actor=operator,
            pickup_id=offer.pickup_id,
            collector_id=actor.organisation_id,
            collector_role=actor.role.value,
            now=now,
        )
    except orders.IllegalPickupTransition:
        raise OfferClosed(offer_id=offer_id, status="taken") from None
    session.refresh(offer)  # another acceptance may have withdrawn it meanwhile
    for other in OfferRepository(session).of_pickup_locked(offer.pickup_id, status=OPEN):
        other.apply(OfferEvent.ACCEPT if other.id == offer.id else OfferEvent.WITHDRAW, now=now)
    if offer.status != OfferStatus.ACCEPTED.value:
        raise OfferClosed(offer_id=offer_id, status=offer.status)
    route_plans.follow_new_pickup(
        session,
        collector_id=actor.organisation_id,
        day=china_day(pickup.window_start),
        now=now,
    )
    return pickup


def decline_offer(session: Session, *, actor: Actor, offer_id: int, now: datetime) -> OfferView:
    """The collector turns the offer down. Raises MissingPermission, OfferNotFound,
    OfferClosed."""
    actor.require(Permission.COLLECTOR_OFFER_RESPOND)
    offer = _own_offer(session, actor, offer_id)
    offer.apply(OfferEvent.DECLINE, now=now)
    return offer_view(session, offer)


def withdraw_offers(session: Session, *, pickup_id: int, now: datetime) -> int:
    """Withdraw a pickup's open offers (it was assigned otherwise); return how many."""
    offers = OfferRepository(session).of_pickup_locked(pickup_id, status=OPEN)
    for offer in offers:
        offer.apply(OfferEvent.WITHDRAW, now=now)
    return len(offers)


def expire_offers(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Expire open offers past their time; their pickups go back to the assignment round.
    Safe to run in parallel. Returns how many expired."""
    offers = OfferRepository(session).due_for_expiry(now=now, limit=limit)
    for offer in offers:
        offer.apply(OfferEvent.EXPIRE, now=now)
    session.flush()
    return len(offers)


def open_offers(session: Session, *, actor: Actor, limit: int = 200) -> list[OfferView]:
    """Open offers: a collector's own, or every one for staff. Raises MissingPermission."""
    if actor.can(Permission.STAFF_PICKUP_READ):
        rows = OfferRepository(session).listed(collector_id=None, status=OPEN, limit=limit)
    else:
        actor.require(Permission.COLLECTOR_OFFER_RESPOND)
        rows = OfferRepository(session).listed(
            collector_id=actor.organisation_id, status=OPEN, limit=limit
        )
    return [offer_view(session, o) for o in rows]


def _own_offer(session: Session, actor: Actor, offer_id: int) -> PickupOffer:
    offer = OfferRepository(session).get(offer_id)
    if offer is None or offer.collector_id != actor.organisation_id:
        raise OfferNotFound(offer_id=offer_id)
    return offer
