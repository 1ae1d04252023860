"""A refused form: which form, the message in the visitor's language, what was typed.

Page handlers catch `DomainError` to show its message beside the form instead of
the JSON error the API gives. Catching it means the edge transaction would commit
whatever a service flushed before raising, so `failed` rolls the session back
first: a refused form changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response

from ewaste.kernel.errors import DomainError
from ewaste.web.context import RequestContext
from ewaste.web.errors import status_for
from ewaste.web.pages.i18n import translate_error
from ewaste.web.pages.rendering import render, translations


@dataclass(frozen=True, slots=True)
class Failure:
    """Why the form `key` was refused, the HTTP status to answer, and the values posted."""

    key: str
    message: str
    status: int
    posted: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        """What the visitor typed into `name` (the last one if repeated), to show again."""
        values = self.posted.get(name)
        return values[-1] if values else default

    def values(self, name: str) -> list[str]:
        """Everything typed into the repeated field `name`, in form order."""
        return self.posted.get(name, [])


def failed(
    request: Request,
    ctx: RequestContext,
    key: str,
    error: DomainError,
    form: ImmutableMultiDict[str, Any],
) -> Failure:
    """Roll back the request's transaction and describe the refusal of form `key`.

    `form` is the posted form, or the query string of a form sent with GET.
    """
    ctx.session.rollback()
    posted: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str) and name != "csrf_token":
            posted.setdefault(name, []).append(value)
    return Failure(key, translate_error(error, translations(request)), status_for(error), posted)


def error_page(request: Request, ctx: RequestContext | None, failure: Failure) -> Response:
    """A page with only the message, for a form posted from a page that is not the actor's.

    Each role's page can show its own forms' errors; a form of another role's page
    (which the actor's page never offers) answers with this instead.
    """
    return render(request, "error.html", ctx=ctx, status=failure.status, message=failure.message)
