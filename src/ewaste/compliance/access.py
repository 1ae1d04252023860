"""Who may see a subsidy claim."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.compliance.claim_rules import ClaimNotFound
from ewaste.compliance.models import SubsidyClaim
from ewaste.compliance.repository import ClaimRepository
from ewaste.identity import Actor, Permission


def can_read_every_claim(actor: Actor) -> bool:
    """Auditors (regulator, operator) read every plant's claims."""
    return actor.can(Permission.AUDIT_REPORT_READ)


def access_claim(
    session: Session, *, actor: Actor, claim_id: int, for_update: bool = False
) -> SubsidyClaim:
    """The claim if the actor may see it: auditors every claim, a plant its own;
    ClaimNotFound otherwise (another plant's claim looks like a missing one)."""
    claim = ClaimRepository(session).get(claim_id, for_update=for_update)
    if claim is None:
        raise ClaimNotFound(claim_id=claim_id)
    if can_read_every_claim(actor):
        return claim
    if actor.can(Permission.PLANT_UNIT_DISMANTLE) and claim.plant_id == actor.organisation_id:
        return claim
    raise ClaimNotFound(claim_id=claim_id)
