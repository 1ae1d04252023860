"""`GET /healthz`: whether this web process can serve — for a load balancer's or an
orchestrator's health check, and for an operator after a deploy.

200 when the database answers and holds the schema revision this code was written for;
503 otherwise, saying which: the database is unreachable, or its schema is behind or ahead
of the code (run `ewaste db upgrade`, or deploy the matching code). A healthy answer also
says when a worker last finished a round (informative: it does not make the web
unhealthy). No login, no personal data.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ewaste.db.schema import code_revision, database_revision
from ewaste.worker import worker_status

router = APIRouter(include_in_schema=False)


@router.get("/healthz", name="health")
def health(request: Request) -> JSONResponse:
    """The database's reachability and schema revision against the code's."""
    sessions: sessionmaker[Session] = request.app.state.session_factory
    expected = code_revision()
    try:
        with sessions() as session:
            found = database_revision(session.connection())
            worker = (
                worker_status(session, now=request.app.state.clock.now())
                if found == expected
                else None
            )
    except SQLAlchemyError:
        body = {"status": "unavailable", "database": "unreachable", "schema": expected}
        return JSONResponse(body, 503, headers={"Retry-After": "5"})
    if found != expected:
        behind = {"status": "unavailable", "database": "ok", "schema": expected}
        return JSONResponse({**behind, "database_schema": found}, 503)
    assert worker is not None
    seen = worker.seen_at.isoformat() if worker.seen_at else None
    return JSONResponse(
        {
            "status": "ok",
            "database": "ok",
            "schema": expected,
            # Informative only: the web serves without a worker, but what waits on one
            # (certificates, releases, offers timing out) does not happen.
            "worker": {"running": worker.running, "seen_at": seen},
        }
    )
