"""Who may see a partner's options."""

from __future__ import annotations

from ewaste.identity import Actor, Permission
from ewaste.partners.rules import PartnerNotFound


def access_holding(*, actor: Actor, organisation_id: int) -> None:
    """Let staff read any partner's options and a collector or station its own;
    PartnerNotFound otherwise (another party's holding looks like a missing one)."""
    if actor.can(Permission.STAFF_OPTION_READ):
        return
    if actor.can(Permission.PARTY_OPTION_READ) and actor.organisation_id == organisation_id:
        return
    raise PartnerNotFound(organisation_id=organisation_id)
