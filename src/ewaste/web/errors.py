"""The one table from error family to HTTP status, and the JSON error body."""

from __future__ import annotations

import logging
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ewaste.kernel.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
)

logger = logging.getLogger(__name__)

STATUS_BY_FAMILY: Final[tuple[tuple[type[DomainError], int], ...]] = (
    (NotFound, 404),
    (Unauthenticated, 401),
    (PermissionDenied, 403),
    (Conflict, 409),
    (InvalidInput, 422),
    (TooManyRequests, 429),
)


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error, by family (400 for an unfamiliar one)."""
    for family, status in STATUS_BY_FAMILY:
        if isinstance(error, family):
            return status
    return 400


def headers_for(error: DomainError) -> dict[str, str] | None:
    """The headers a refusal carries: how to authenticate, or when to try again."""
    if isinstance(error, Unauthenticated):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, TooManyRequests):
        return {"Retry-After": str(error.context.get("retry_after_s", 60))}
    return None


def error_body(code: str, message: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON error shape: {code, message, data}."""
    return {"code": code, "message": message, "data": jsonable_encoder(data or {})}


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and surprises to JSON answers."""

    @app.exception_handler(DomainError)
    def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.detail, exc.context),
            status_for(exc),
            headers=headers_for(exc),
        )

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse(
            error_body("invalid_input", "The request is not valid.", {"errors": errors}), 422
        )

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code)

    @app.exception_handler(StaleDataError)
    def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse(
            error_body("concurrent_update", "Someone else changed this just now; try again."),
            409,
        )

    @app.exception_handler(IntegrityError)
    def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        logger.warning("integrity error answered as 409: %s", exc.orig)
        return JSONResponse(
            error_body("conflict", "The request conflicts with data stored meanwhile; try again."),
            409,
        )

    @app.exception_handler(OperationalError)
    def _database(request: Request, exc: OperationalError) -> JSONResponse:
        # Connections are not pinged before use (docs/adr/0010): after a database restart
        # the first request on a dead connection lands here, and the pool is discarded.
        if exc.connection_invalidated:
            logger.warning("database connection lost; pool invalidated: %s", exc.orig)
            code, message = "database_unavailable", "The database connection was lost; try again."
        else:
            logger.warning("database busy or unavailable: %s", exc.orig)
            code, message = "database_busy", "The database is busy; try again in a moment."
        return JSONResponse(error_body(code, message), 503, headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal_error", "Something went wrong on our side."), 500)
