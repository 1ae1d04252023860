"""Logging in and out with a session cookie, and choosing the language.

The signed session cookie (Starlette's SessionMiddleware) holds only the user id
and the CSRF token; the actor is resolved from the database on every request, so
a deactivated user is logged out at their next click.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import identity
from ewaste.kernel.errors import DomainError
from ewaste.kernel.ids import UserId
from ewaste.web.context import RequestContext, clock, db_session, public_session, settings
from ewaste.web.errors import status_for
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.i18n import LANG_COOKIE, LOCALES, translate_error
from ewaste.web.pages.rendering import render, see_other, translations
from ewaste.web.throttle import login_key, login_throttle

router = APIRouter(include_in_schema=False)

_USER_KEY: Final = "uid"
_LANG_COOKIE_AGE: Final = 365 * 24 * 3600


class LoginRequired(Exception):
    """A page needs a logged-in user; answered with 303 to /login."""


def page_context(
    request: Request, session: Session = Depends(db_session, scope="function")
) -> RequestContext:
    """The context of a page for the logged-in user; raise LoginRequired without one.

    The transaction commits after the handler returns and before the response is
    sent; a handler that catches a DomainError must roll back itself (see `failed`).
    """
    user_id = request.session.get(_USER_KEY)
    if not isinstance(user_id, int):
        raise LoginRequired
    try:
        actor = identity.actor_for_user(session, user_id=UserId(user_id))
    except identity.InvalidToken:
        request.session.pop(_USER_KEY, None)
        raise LoginRequired from None
    return RequestContext(session, actor, clock(request).now(), settings(request))


def safe_next(target: str) -> str:
    """`target` when it is a path on this site, "/" otherwise (no open redirects)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", name="login_page")
def login_page(request: Request) -> Response:
    """The login form (anyone); a logged-in visitor is sent to their home page."""
    if isinstance(request.session.get(_USER_KEY), int):
        return see_other("/")
    return render(request, "login.html", username="", error=None)


@router.post("/login", name="login")
def login(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    session: Session = Depends(public_session),
) -> Response:
    """Check the username and password; on success start a session and go home (303).

    A wrong username or password re-renders the form with the message and 401.
    """
    username = forms.text(form, "username", required=False)
    password = form.get("password")
    throttle, key = login_throttle(request), login_key(request, username)
    try:
        throttle.check(key)
        try:
            actor = identity.authenticate(
                session, username=username, password=password if isinstance(password, str) else ""
            )
        except identity.BadCredentials:
            throttle.spend(key)
            raise
    except DomainError as err:
        message = translate_error(err, translations(request))
        return render(
            request, "login.html", status=status_for(err), username=username, error=message
        )
    request.session.clear()
    request.session[_USER_KEY] = int(actor.user_id)
    csrf.rotate(request)
    return see_other("/")


@router.post("/logout", name="logout")
def logout(request: Request, form: FormData = Depends(csrf.checked_form)) -> Response:
    """End the session and go to the login page (303)."""
    request.session.clear()
    return see_other("/login")


@router.get("/lang/{locale}", name="set_language")
def set_language(request: Request, locale: str, next: str = "/") -> Response:
    """Remember the chosen language in a cookie and go back to `next` (a local path).

    A plain link, not a form: it changes only a display preference, never data.
    """
    response = see_other(safe_next(next))
    if locale in LOCALES:
        response.set_cookie(
            LANG_COOKIE,
            locale,
            max_age=_LANG_COOKIE_AGE,
            httponly=True,
            samesite="lax",
            secure=settings(request).session_cookie_secure,
        )
    return response
