"""Every statement that loads or writes organisations, users and tokens."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from ewaste.identity.models import ApiToken, Organisation, User

# Built once, from the tables (plain Core, no ORM layer): resolving the caller runs on
# every API request, and a prebuilt statement skips per-call construction and caching.
_USER, _ORG, _TOKEN = User.__table__.c, Organisation.__table__.c, ApiToken.__table__.c
_ACTOR_FACTS = select(
    _USER.id, _USER.organisation_id, _ORG.role, _USER.username, _USER.locale, _ORG.lat, _ORG.lon
)
_ACTOR_FACTS = _ACTOR_FACTS.join_from(
    User.__table__, Organisation.__table__, _ORG.id == _USER.organisation_id
)
_ACTOR_BY_TOKEN = _ACTOR_FACTS.join(ApiToken.__table__, _TOKEN.user_id == _USER.id).where(
    _TOKEN.digest == bindparam("digest"), _TOKEN.revoked_at.is_(None), _USER.active
)
ActorFacts = Row[int, int, str, str, str, float | None, float | None]
"""The user, its organisation and role, its locale, and where the organisation is based."""
_ACTOR_BY_USER = _ACTOR_FACTS.where(_USER.id == bindparam("user_id"), _USER.active)


class IdentityRepository:
    """Loads and stores identity aggregates."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, obj: Organisation | User | ApiToken) -> None:
        """Stage a new row and flush it to get its id."""
        self._session.add(obj)
        self._session.flush()

    def organisation(self, organisation_id: int) -> Organisation | None:
        """The organisation with this id, if any."""
        return self._session.get(Organisation, organisation_id)

    def organisations_with_role(self, role: str) -> Sequence[Organisation]:
        """All organisations of one role, by id."""
        stmt = select(Organisation).where(Organisation.role == role).order_by(Organisation.id)
        return self._session.scalars(stmt).all()

    def user_by_username(self, username: str) -> User | None:
        """The user with this (lower-cased) username, if any."""
        return self._session.scalars(select(User).where(User.username == username)).one_or_none()

    def first_user_of(self, organisation_id: int) -> User | None:
        """The earliest active user of an organisation (the system operator for jobs)."""
        stmt = (
            select(User)
            .where(User.organisation_id == organisation_id, User.active)
            .order_by(User.id)
            .limit(1)
        )
        return self._session.scalars(stmt).one_or_none()

    def actor_facts_by_token(self, digest: str) -> ActorFacts | None:
        """(user id, organisation id, role, username, locale, lat, lon) of the active user
        holding the unrevoked token with this digest, in one statement; None otherwise."""
        return self._session.execute(_ACTOR_BY_TOKEN, {"digest": digest}).one_or_none()

    def actor_facts_by_user(self, user_id: int) -> ActorFacts | None:
        """(user id, organisation id, role, username, locale, lat, lon) of an active user;
        None otherwise."""
        return self._session.execute(_ACTOR_BY_USER, {"user_id": user_id}).one_or_none()

    def token_by_digest(self, digest: str) -> ApiToken | None:
        """The API token whose SHA-256 digest is `digest`, if any."""
        return self._session.scalars(
            select(ApiToken).where(ApiToken.digest == digest)
        ).one_or_none()
