"""Who is acting: a user, for an organisation, with the permissions of its role."""

from __future__ import annotations

from dataclasses import dataclass

from ewaste.identity.permissions import ROLE_PERMISSIONS, Permission
from ewaste.identity.rules import Role
from ewaste.kernel.errors import PermissionDenied
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.ids import OrganisationId, UserId


class MissingPermission(PermissionDenied):
    """The actor's role does not grant the permission the action needs."""

    code = "identity.missing_permission"
    message = "Your role may not do this ({permission})."


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated user acting for one organisation."""

    user_id: UserId
    organisation_id: OrganisationId
    role: Role
    username: str
    locale: str = "zh_CN"
    base: GeoPoint | None = None
    """Where the organisation is based, as read with the actor (None: not known or not read)."""

    @property
    def permissions(self) -> frozenset[Permission]:
        """Everything this actor's role allows."""
        return ROLE_PERMISSIONS[self.role]

    def can(self, permission: Permission) -> bool:
        """True when the role grants `permission`."""
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise MissingPermission unless the role grants `permission`."""
        if permission not in self.permissions:
            raise MissingPermission(permission=permission.value)


def system_actor(organisation_id: OrganisationId, user_id: UserId) -> Actor:
    """The operator identity used by the worker and the CLI for jobs nobody clicked."""
    return Actor(
        user_id=user_id, organisation_id=organisation_id, role=Role.OPERATOR, username="system"
    )
