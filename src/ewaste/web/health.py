"""`GET /healthz`: whether this web process can serve — for a load balancer's or an
orchestrator's health check, and for an operator after a deploy.

200 when the database answers and holds the schema revision this code was written for;
503 otherwise, saying which: the database is unreachable, or its schema is behind or ahead
of the code (run `ewaste db upgrade`, or deploy the matching code). No login, no personal
data, nothing but the two facts and the revisions.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ewaste.db.schema import code_revision, database_revision

router = APIRouter(include_in_schema=False)


@router.get("/healthz", name="health")
def health(request: Request) -> JSONResponse:
    """The database's reachability and schema revision against the code's."""
    sessions: sessionmaker[Session] = request.app.state.session_factory
    expected = code_revision()
    try:
        with sessions() as session:
            found = database_revision(session.connection())
    except SQLAlchemyError:
        body = {"status": "unavailable", "database": "unreachable", "schema": expected}
        return JSONResponse(body, 503, headers={"Retry-After": "5"})
    if found != expected:
        behind = {"status": "unavailable", "database": "ok", "schema": expected}
        return JSONResponse({**behind, "database_schema": found}, 503)
    return JSONResponse({"status": "ok", "database": "ok", "schema": expected})
