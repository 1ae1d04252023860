"""Per-request context: one session and transaction per request, the actor, the clock."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, TypeVar

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

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/auth/token")


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""The request's bearer token, if any (read on the event loop: HTTPBearer is async)."""


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


async def in_api_transaction(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    work: Callable[[RequestContext], T],
    *,
    single_write: bool = False,
) -> T:
    """Run `work` in the request's transaction, as the bearer token's actor, on one of the
    worker's database threads, and return what it returns once the commit has succeeded.

    For the hot API routes (docs/adr/0010): the transaction, the caller's lookup, the work
    and the commit make one trip to a database thread, where `api_context` makes three
    (dependency in, handler, dependency out). Errors propagate as from any handler.
    With `single_write`, `work` promises to write at most one statement, and runs on the
    app's autocommit sessions where it has them (PostgreSQL: no BEGIN, no COMMIT).
    """
    if credentials is None:
        raise MissingCredentials
    token = credentials.credentials
    state = request.app.state
    factory = (single_write and state.single_write_sessions) or state.session_factory
    now = clock(request).now()
    config = settings(request)

    def run() -> T:
        with transaction(factory) as session:
            actor = identity.actor_for_token(session, token=token)
            return work(RequestContext(session, actor, now, config))

    call = functools.partial(contextvars.copy_context().run, run)
    return await asyncio.get_running_loop().run_in_executor(
        request.app.state.database_threads, call
    )
