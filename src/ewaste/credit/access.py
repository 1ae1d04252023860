"""Who may see a party's credit score."""

from __future__ import annotations

from ewaste.credit.rules import ScoreNotFound
from ewaste.identity import Actor, Permission


def access_party_score(*, actor: Actor, organisation_id: int) -> None:
    """Let staff read any party's score and a collector or station its own; ScoreNotFound
    otherwise (another party's score looks like a missing one)."""
    if actor.can(Permission.STAFF_CREDIT_READ):
        return
    if actor.can(Permission.PARTY_CREDIT_READ) and actor.organisation_id == organisation_id:
        return
    raise ScoreNotFound(organisation_id=organisation_id)
