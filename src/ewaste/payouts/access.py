"""Who may see or act on a payout or a bank batch."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.identity import Actor, Permission
from ewaste.payouts.models import Payout, PayoutBatch
from ewaste.payouts.repository import PayoutRepository
from ewaste.payouts.rules import BatchNotFound, PayoutNotFound


def access_payout(
    session: Session, *, actor: Actor, payout_id: int, for_update: bool = False
) -> Payout:
    """The payout if the actor may see it, else PayoutNotFound (existence never leaks).

    Operators see every payout; a party sees its own organisation's payouts.
    """
    payout = PayoutRepository(session).payout(payout_id, for_update=for_update)
    if payout is None:
        raise PayoutNotFound(payout_id=payout_id)
    if actor.can(Permission.STAFF_PAYOUT_MANAGE):
        return payout
    if not actor.can(Permission.PARTY_ACCOUNT_READ):
        raise PayoutNotFound(payout_id=payout_id)
    if payout.organisation_id != actor.organisation_id:
        raise PayoutNotFound(payout_id=payout_id)
    return payout


def access_batch(
    session: Session, *, actor: Actor, batch_id: int, for_update: bool = False
) -> PayoutBatch:
    """The bank batch for an operator; MissingPermission for other roles, BatchNotFound."""
    actor.require(Permission.STAFF_PAYOUT_MANAGE)
    batch = PayoutRepository(session).batch(batch_id, for_update=for_update)
    if batch is None:
        raise BatchNotFound(batch_id=batch_id)
    return batch
