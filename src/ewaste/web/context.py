"""Per-request context: one session and transaction per request, the actor, the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import event
from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.config import Settings
from ewaste.db.uow import transaction
from ewaste.identity import Actor
from ewaste.kernel.clock import Clock
from ewaste.kernel.errors import Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/auth/token")


class MissingCredentials(Unauthenticated):
    """No bearer token was sent to an API route that needs one."""

    code = "identity.missing_credentials"
    message = "Send an API token in the Authorization header (Bearer …)."


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a handler needs: the transaction's session, who acts, and when."""

    session: Session
    actor: Actor
    now: datetime
    settings: Settings


def db_session(request: Request) -> Iterator[Session]:
    """The request's session: committed when the handler succeeds, rolled back otherwise.

    Declared with scope="function" by its users, so the commit happens before the
    response is sent: a client never sees success for a write that failed to commit.
    """
    with transaction(request.app.state.session_factory) as session:
        yield session


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run `action` once the request's transaction has committed (never if it rolls back).

    For process-local caches: forgetting them before the commit would let a concurrent
    request cache the old state again.
    """
    event.listen(session, "after_commit", lambda _session: action(), once=True)


def forget_price_books(request: Request, session: Session) -> None:
    """This request writes prices: drop the cached price books once it has committed."""
    after_commit(session, request.app.state.price_books.invalidate)


def clock(request: Request) -> Clock:
    """The application's clock (frozen in tests, the system clock otherwise)."""
    result: Clock = request.app.state.clock
    return result


def settings(request: Request) -> Settings:
    """The application's settings."""
    result: Settings = request.app.state.settings
    return result


def public_session(session: Session = Depends(db_session, scope="function")) -> Session:
    """A session for routes that need no login (catalogue, token exchange)."""
    return session


def api_context(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Iterator[RequestContext]:
    """The context of an API call authenticated by a bearer token; 401 without one.

    Opens the request's transaction and resolves the caller in one step (one trip to
    the worker thread instead of two); routes declare it with scope="function" so the
    commit happens before the response is sent.
    """
    if credentials is None:
        raise MissingCredentials
    with transaction(request.app.state.session_factory) as session:
        actor = identity.actor_for_token(session, token=credentials.credentials)
        yield RequestContext(session, actor, clock(request).now(), settings(request))
