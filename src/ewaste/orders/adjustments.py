"""Door adjustments: the price changes only by itemised, evidenced deductions the household
accepts; declining cancels the pickup free. Follows the rules of `services.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import pricing
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money
from ewaste.orders import rules
from ewaste.orders.access import access_pickup, access_pickup_for_reading
from ewaste.orders.models import DoorAdjustment
from ewaste.orders.queries import PickupView, pickup_view
from ewaste.orders.repository import PickupRepository
from ewaste.orders.rules import AdjustmentRequest, PickupEvent
from ewaste.orders.services import apply_event

DECLINED_NOTE = "household declined the door price: cancelled free, collector not penalised"


@dataclass(frozen=True, slots=True)
class AdjustmentView:
    """One proposed deduction and its fate."""

    id: int
    item: int
    reason: str
    photo_ref: str
    amount: Money
    decision: str


@dataclass(frozen=True, slots=True)
class CollectorAdjustmentRate:
    """How often a collector changes the price at the door, and whether that stands out."""

    collector_id: int
    pickups: int
    adjusted: int
    flagged: bool


def propose_adjustments(
    session: Session,
    *,
    actor: Actor,
    pickup_id: int,
    adjustments: Sequence[AdjustmentRequest],
    now: datetime,
) -> tuple[PickupView, list[AdjustmentView]]:
    """Record the deductions the collector found at the door, priced from the quote's book.

    The household then accepts or declines them all. Raises PickupNotFound,
    IllegalPickupTransition, InvalidAdjustment, InvalidCondition.
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
    rules.check_adjustments(adjustments, quantities=[i.quantity for i in quote.items])
    rows = [
        DoorAdjustment(
            pickup_id=pickup.id,
            collector_id=actor.organisation_id,
            item_index=request.item,
            reason=request.reason,
            photo_ref=request.photo_ref.strip(),
            amount_fen=pricing.deduction_for(
                session, quote_id=quote.id, item=request.item, reason=request.reason
            ).minor,
            proposed_at=now,
            decision="pending",
        )
        for request in adjustments
    ]
    apply_event(session, pickup, PickupEvent.PROPOSE_ADJUSTMENT, actor_id=actor.user_id, now=now)
    PickupRepository(session).add_adjustments(rows)
    return pickup_view(pickup), [_view(r) for r in rows]


def decide_adjustments(
    session: Session, *, actor: Actor, pickup_id: int, accept: bool, now: datetime
) -> tuple[PickupView, list[AdjustmentView]]:
    """The household accepts every proposed deduction (the collector then collects at the
    lower price) or declines them (the pickup is cancelled free; the collector is not
    penalised). Raises PickupNotFound, IllegalPickupTransition."""
    pickup = access_pickup(
        session,
        actor=actor,
        pickup_id=pickup_id,
        permission=Permission.HOUSEHOLD_PICKUP_DECIDE,
        for_update=True,
    )
    event = PickupEvent.ACCEPT_ADJUSTMENT if accept else PickupEvent.DECLINE_ADJUSTMENT
    apply_event(
        session,
        pickup,
        event,
        actor_id=actor.user_id,
        now=now,
        note="" if accept else DECLINED_NOTE,
    )
    pending = PickupRepository(session).adjustments(pickup.id, pending_only=True)
    for row in pending:
        row.decision = "accepted" if accept else "declined"
        row.decided_at = now
    if accept:
        pickup.deductions_fen += sum(r.amount_fen for r in pending)
    session.flush()
    return pickup_view(pickup), [_view(r) for r in pending]


def adjustments_of(session: Session, *, actor: Actor, pickup_id: int) -> list[AdjustmentView]:
    """Every adjustment proposed on a pickup the actor may see, oldest first (PickupNotFound)."""
    pickup = access_pickup_for_reading(session, actor=actor, pickup_id=pickup_id)
    return [_view(r) for r in PickupRepository(session).adjustments(pickup.id)]


def collector_adjustment_rates(session: Session, *, actor: Actor) -> list[CollectorAdjustmentRate]:
    """Per collector: pickups reached at the door, pickups with adjustments, and the flag
    for those who adjust far more often than their peers (operator)."""
    actor.require(Permission.STAFF_REPORT_ADJUSTMENTS)
    repo = PickupRepository(session)
    adjusted = repo.adjusted_by_collector()
    rates = {c: (n, adjusted.get(c, 0)) for c, n in repo.door_reach_by_collector().items()}
    flagged = rules.adjustment_outliers(rates)
    return [CollectorAdjustmentRate(c, n, a, c in flagged) for c, (n, a) in sorted(rates.items())]


def _view(row: DoorAdjustment) -> AdjustmentView:
    return AdjustmentView(
        row.id, row.item_index, row.reason, row.photo_ref, Money(row.amount_fen), row.decision
    )
