"""Identity rules: the roles of PRODUCT.md and what makes a valid name or password."""

from __future__ import annotations

import re
from enum import StrEnum

from ewaste.kernel.errors import InvalidInput, NotFound


class Role(StrEnum):
    """The kind of organisation a user acts for; each maps to a set of permissions."""

    HOUSEHOLD = "household"
    COLLECTOR = "collector"
    STATION = "station"
    PLANT = "plant"
    PRODUCER = "producer"
    OPERATOR = "operator"
    REGULATOR = "regulator"


class InvalidUsername(InvalidInput):
    """A username outside the allowed characters or length."""

    code = "identity.invalid_username"
    message = "A username is 3–40 characters: letters, digits, dot, dash or underscore."


class WeakPassword(InvalidInput):
    """A password too short to be accepted."""

    code = "identity.weak_password"
    message = "A password needs at least {minimum} characters."


USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{3,40}$")
MIN_PASSWORD_LENGTH = 8


def check_username(username: str) -> str:
    """Return the username lower-cased, or raise InvalidUsername."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise InvalidUsername(username=username)
    return username.lower()


def check_password(password: str) -> None:
    """Raise WeakPassword unless the password is long enough."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(minimum=MIN_PASSWORD_LENGTH)


class OrganisationNotFound(NotFound):
    """No organisation with this id (or not visible to the actor)."""

    code = "identity.organisation_not_found"
    message = "Organisation {organisation_id} not found."
