"""Identity and access: organisations of every role, users, sessions, tokens, permissions."""

from ewaste.identity.access import access_organisation
from ewaste.identity.actors import Actor, MissingPermission, system_actor
from ewaste.identity.permissions import ROLE_PERMISSIONS, Permission
from ewaste.identity.queries import (
    OrganisationRow,
    locations_by_role,
    organisation_counts,
    organisation_labels,
    organisation_location,
    organisation_row,
    organisations_by_role,
)
from ewaste.identity.rules import InvalidUsername, OrganisationNotFound, Role, WeakPassword
from ewaste.identity.services import (
    BadCredentials,
    InvalidToken,
    UsernameTaken,
    actor_for_token,
    actor_for_user,
    authenticate,
    first_operator,
    hash_password,
    issue_api_token,
    register_organisation,
    register_user,
    revoke_api_token,
)

__all__ = [
    "ROLE_PERMISSIONS",
    "Actor",
    "BadCredentials",
    "InvalidToken",
    "InvalidUsername",
    "MissingPermission",
    "OrganisationNotFound",
    "OrganisationRow",
    "Permission",
    "Role",
    "UsernameTaken",
    "WeakPassword",
    "access_organisation",
    "actor_for_token",
    "actor_for_user",
    "authenticate",
    "first_operator",
    "hash_password",
    "issue_api_token",
    "locations_by_role",
    "organisation_counts",
    "organisation_labels",
    "organisation_location",
    "organisation_row",
    "organisations_by_role",
    "register_organisation",
    "register_user",
    "revoke_api_token",
    "system_actor",
]
