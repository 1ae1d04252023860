"""Server-rendered pages (Jinja2), in Chinese and English, over the same services as the API.

Handlers are thin: read the form, call one service, then redirect (303) to the page
that shows the result, or render the page again with the error beside the form.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import Response

from ewaste.config import Settings
from ewaste.kernel.errors import DomainError
from ewaste.web.errors import status_for
from ewaste.web.pages import (
    auth,
    collector,
    credit,
    csrf,
    discrepancies,
    home,
    household,
    market,
    money,
    partners,
    plant,
    price_admin,
    prices,
    public_custody,
    quotes,
    reports,
    route_sheet,
    staff,
    station,
    units,
)
from ewaste.web.pages.i18n import load_catalogs, translate_error
from ewaste.web.pages.rendering import build_kit, render, see_other, translations

STATIC_DIR: Final = Path(__file__).resolve().parent.parent / "static"
SESSION_COOKIE: Final = "ewaste_session"
SESSION_MAX_AGE: Final = 12 * 3600  # a working day; the cookie is signed, not encrypted


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the pages, their static files and the session middleware on `app`.

    Compiles the gettext catalogs once (raises if a catalog is missing or broken, so a
    bad deployment fails at start rather than on the first page).
    """
    app.state.page_kit = build_kit(settings, load_catalogs())
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.session_cookie_secure,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        auth,
        home,
        household,
        quotes,
        price_admin,
        prices,
        collector,
        route_sheet,
        station,
        plant,
        market,
        discrepancies,
        credit,
        partners,
        money,
        reports,
        staff,
        units,
        public_custody,
    ):
        app.include_router(module.router)
    app.add_exception_handler(auth.LoginRequired, _login_required)
    app.add_exception_handler(csrf.CsrfRefused, _csrf_refused)
    api_answer = app.exception_handlers[DomainError]

    def _domain_error(request: Request, exc: Exception) -> Response | Awaitable[Response]:
        """A refusal a page did not show beside its form: the API's JSON under /api, the
        error page in the visitor's language everywhere else."""
        if request.url.path.startswith("/api/") or not isinstance(exc, DomainError):
            return api_answer(request, exc)
        message = translate_error(exc, translations(request))
        return render(request, "error.html", status=status_for(exc), message=message)

    app.add_exception_handler(DomainError, _domain_error)


def _login_required(request: Request, exc: Exception) -> Response:
    return see_other("/login")


def _csrf_refused(request: Request, exc: Exception) -> Response:
    message = translations(request).gettext(
        "This form has expired or did not come from this site. Reload the page and try again."
    )
    return render(request, "error.html", status=403, message=message)
