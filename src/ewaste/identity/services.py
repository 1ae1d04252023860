"""Identity use cases: register organisations and users, log in, issue and resolve tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from ewaste.identity import rules
from ewaste.identity.actors import Actor
from ewaste.identity.models import ApiToken, Organisation, User
from ewaste.identity.repository import ActorFacts, IdentityRepository
from ewaste.identity.rules import OrganisationNotFound, Role
from ewaste.kernel.errors import Conflict, Unauthenticated
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.ids import OrganisationId, UserId

_HASHER = PasswordHasher()


class UsernameTaken(Conflict):
    """Another user already has this username."""

    code = "identity.username_taken"
    message = "The username {username!r} is taken."


class BadCredentials(Unauthenticated):
    """Username or password wrong; deliberately does not say which."""

    code = "identity.bad_credentials"
    message = "Wrong username or password."


class InvalidToken(Unauthenticated):
    """The bearer token is unknown or revoked."""

    code = "identity.invalid_token"
    message = "The API token is not valid."


def register_organisation(
    session: Session,
    *,
    role: Role,
    name: str,
    now: datetime,
    name_zh: str = "",
    district: str = "",
    address: str = "",
    location: GeoPoint | None = None,
) -> Organisation:
    """Create an organisation of `role`. Runs inside the caller's transaction."""
    org = Organisation(
        role=role.value,
        name=name.strip(),
        name_zh=name_zh.strip(),
        district=district,
        address=address,
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        created_at=now,
    )
    IdentityRepository(session).add(org)
    return org


def register_user(
    session: Session,
    *,
    organisation_id: OrganisationId,
    username: str,
    password: str,
    now: datetime,
    display_name: str = "",
    locale: str = "zh_CN",
    password_hash: str | None = None,
) -> User:
    """Create a user for an existing organisation with an argon2 password hash.

    `password_hash` may carry a hash made by `hash_password(password)` once for
    many users (the demo city), sparing an expensive hash per user.
    Raises InvalidUsername, WeakPassword, UsernameTaken, OrganisationNotFound.
    """
    repo = IdentityRepository(session)
    name = rules.check_username(username)
    rules.check_password(password)
    if repo.organisation(organisation_id) is None:
        raise OrganisationNotFound(organisation_id=organisation_id)
    if repo.user_by_username(name) is not None:
        raise UsernameTaken(username=name)
    user = User(
        organisation_id=organisation_id,
        username=name,
        password_hash=password_hash or _HASHER.hash(password),
        display_name=display_name or name,
        locale=locale,
        active=True,
        created_at=now,
    )
    repo.add(user)
    return user


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (raises WeakPassword for a short one)."""
    rules.check_password(password)
    return _HASHER.hash(password)


def authenticate(session: Session, *, username: str, password: str) -> Actor:
    """Check a username and password; return the actor or raise BadCredentials."""
    user = IdentityRepository(session).user_by_username(username.strip().lower())
    if user is None or not user.active:
        # Hash anyway so that timing does not reveal whether the username exists.
        _HASHER.hash(password)
        raise BadCredentials
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise BadCredentials from None
    return actor_for_user(session, user_id=UserId(user.id))


def actor_for_user(session: Session, *, user_id: UserId) -> Actor:
    """The actor of an active user (for a session cookie); raise InvalidToken otherwise."""
    return _actor(IdentityRepository(session).actor_facts_by_user(user_id))


def issue_api_token(session: Session, *, actor: Actor, now: datetime, label: str = "") -> str:
    """Create a bearer token for `actor`; the plain token is returned once and never stored."""
    token = "ewt_" + secrets.token_urlsafe(32)
    IdentityRepository(session).add(
        ApiToken(user_id=actor.user_id, digest=_digest(token), label=label[:100], created_at=now)
    )
    return token


def actor_for_token(session: Session, *, token: str) -> Actor:
    """Resolve a bearer token to its actor (one statement); raise InvalidToken if unknown,
    revoked, or its user is inactive."""
    return _actor(IdentityRepository(session).actor_facts_by_token(_digest(token)))


def _actor(facts: ActorFacts | None) -> Actor:
    if facts is None:
        raise InvalidToken
    user_id, organisation_id, role, username, locale, lat, lon = facts
    return Actor(
        user_id=UserId(user_id),
        organisation_id=OrganisationId(organisation_id),
        role=Role(role),
        username=username,
        locale=locale,
        base=GeoPoint(lat, lon) if lat is not None and lon is not None else None,
    )


def revoke_api_token(session: Session, *, token: str, now: datetime) -> None:
    """Revoke a bearer token; unknown tokens raise InvalidToken."""
    row = IdentityRepository(session).token_by_digest(_digest(token))
    if row is None:
        raise InvalidToken
    row.revoked_at = now


def first_operator(session: Session) -> Actor:
    """The first operator user, acting for jobs nobody clicked (worker, CLI)."""
    repo = IdentityRepository(session)
    for org in repo.organisations_with_role(Role.OPERATOR.value):
        user = repo.first_user_of(org.id)
        if user is not None:
            return actor_for_user(session, user_id=UserId(user.id))
    raise OrganisationNotFound("No operator exists yet; run `ewaste demo` or create one.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
