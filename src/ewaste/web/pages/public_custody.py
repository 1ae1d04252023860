"""Public pages, no login: "where did my item go?" by receipt code (`/track`), and the
verification page a certificate's QR code opens (`/verify/{certificate}`). They show the
chain without personal data (custody.public; ADR 0016)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from ewaste import custody
from ewaste.kernel.errors import DomainError
from ewaste.web.context import public_session, settings
from ewaste.web.custody_key import trusted_key
from ewaste.web.errors import status_for
from ewaste.web.pages.i18n import translate_error
from ewaste.web.pages.rendering import category_names, language, render, see_other, translations
from ewaste.web.throttle import limit_lookup

router = APIRouter(include_in_schema=False)

PENDING_REFRESH_SECONDS = 3
"""How often the page of a certificate still being signed reloads itself."""


@router.get("/track", name="public_track_form")
def track_form(request: Request, code: str = "") -> Response:
    """The lookup form; a submitted code goes to its page."""
    if code.strip():
        return see_other(str(request.url_for("public_track", receipt_code=code.strip())))
    return render(request, "public_chain.html", mode="form", unit=None, check=None, error=None)


@router.get("/track/{receipt_code}", name="public_track")
def track(
    request: Request, receipt_code: str, session: Session = Depends(public_session)
) -> Response:
    """The public chain of the unit with this receipt code; 404 with the form otherwise."""
    key = trusted_key(settings(request))
    try:
        limit_lookup(request)
        unit = custody.lookup_receipt(session, receipt_code=receipt_code, public_key=key)
    except DomainError as err:
        return _refused(request, err, mode="form")
    return _chain(request, session, mode="track", unit=unit, check=None)


@router.get("/verify/{certificate_code}", name="public_certificate")
def verify(
    request: Request, certificate_code: str, session: Session = Depends(public_session)
) -> Response:
    """A certificate (valid or not, and why) and its unit's public chain."""
    key = trusted_key(settings(request))
    try:
        limit_lookup(request)
        check, unit = custody.verify_certificate(
            session, certificate_code=certificate_code, public_key=key
        )
    except custody.CertificatePending:
        # Asked for a moment ago: the worker signs it within seconds; the page reloads.
        return render(
            request,
            "public_chain.html",
            status=202,
            mode="verify",
            unit=None,
            check=None,
            error=None,
            pending=True,
            refresh_seconds=PENDING_REFRESH_SECONDS,
        )
    except DomainError as err:
        return _refused(request, err, mode="verify")
    return _chain(request, session, mode="verify", unit=unit, check=check)


def _chain(
    request: Request, session: Session, *, mode: str, unit: object, check: object
) -> Response:
    return render(
        request,
        "public_chain.html",
        mode=mode,
        unit=unit,
        check=check,
        error=None,
        category_names=category_names(session, language(request)),
    )


def _refused(request: Request, err: DomainError, *, mode: str) -> Response:
    return render(
        request,
        "public_chain.html",
        status=status_for(err),
        mode=mode,
        unit=None,
        check=None,
        error=translate_error(err, translations(request)),
    )
