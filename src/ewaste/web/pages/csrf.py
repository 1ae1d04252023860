"""Cross-site request forgery protection for every form post.

A random token lives in the signed session cookie and is echoed in a hidden field of
every form. A post is accepted only when the field matches the session's token
(compared in constant time); otherwise it is refused with 403 before the handler
runs, so nothing is read from or written to the database.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Final

from starlette.datastructures import FormData
from starlette.requests import Request

FIELD: Final = "csrf_token"
_SESSION_KEY: Final = "csrf"


class CsrfRefused(Exception):
    """A form post without the session's CSRF token; answered with 403."""


def token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    current = request.session.get(_SESSION_KEY)
    if not isinstance(current, str) or not current:
        current = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = current
    return current


def rotate(request: Request) -> None:
    """Issue a fresh token (after login, so a token seen before login is worthless)."""
    request.session[_SESSION_KEY] = secrets.token_urlsafe(32)


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, once its CSRF token matches the session's; raise CsrfRefused otherwise.

    Uploaded files of the form are closed once the request is answered (or refused).
    """
    form = await request.form()
    try:
        sent = form.get(FIELD)
        expected = request.session.get(_SESSION_KEY)
        if (
            not isinstance(sent, str)
            or not isinstance(expected, str)
            or not expected
            or not secrets.compare_digest(sent.encode(), expected.encode())
        ):
            raise CsrfRefused
        yield form
    finally:
        await form.close()
