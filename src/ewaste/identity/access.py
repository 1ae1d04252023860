"""Object-level access to identity-owned objects."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ewaste.identity.actors import Actor
from ewaste.identity.models import Organisation
from ewaste.identity.permissions import Permission
from ewaste.identity.repository import IdentityRepository
from ewaste.identity.rules import OrganisationNotFound


def access_organisation(session: Session, *, actor: Actor, organisation_id: int) -> Organisation:
    """Return the organisation if it is the actor's own or the actor is staff; else NotFound."""
    org = IdentityRepository(session).organisation(organisation_id)
    if org is None:
        raise OrganisationNotFound(organisation_id=organisation_id)
    if org.id == actor.organisation_id:
        return org
    if actor.can(Permission.STAFF_ORGANISATION_READ):
        return org
    raise OrganisationNotFound(organisation_id=organisation_id)
