"""`GET /healthz`: whether this web process can serve — for a load balancer's or an
orchestrator's health check, and for an operator after a deploy.

200 when the database answers at the schema revision this code was written for, or at a
newer one (migrated first, during a deploy: the answer then names it); 503 otherwise,
saying which: the database is unreachable, or its schema is behind the code (run `ewaste
db upgrade`). On SQLite the probe reads without taking the write lock, so a worker's long
transaction does not make it wait. A healthy answer also
says when a worker last finished a round (informative: it does not make the web
unhealthy). No login, no personal data.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ewaste.db.schema import code_knows, code_revision, database_revision
from ewaste.db.session import READ_ONLY
from ewaste.worker import worker_status

router = APIRouter(include_in_schema=False)


@router.get("/healthz", name="health")
def health(request: Request) -> JSONResponse:
    """The database's reachability and schema revision against the code's."""
    sessions: sessionmaker[Session] = request.app.state.session_factory
    expected = code_revision()
    try:
        with sessions() as session:
            connection = session.connection(execution_options={READ_ONLY: True})
            found = database_revision(connection)
            behind = found is None or (found != expected and code_knows(found))
            worker = None if behind else worker_status(session, now=request.app.state.clock.now())
    except SQLAlchemyError:
        down = {"status": "unavailable", "database": "unreachable", "schema": expected}
        return JSONResponse(down, 503, headers={"Retry-After": "5"})
    if worker is None:  # behind the code: `ewaste db upgrade` has not run yet
        stale = {"status": "unavailable", "database": "ok", "schema": expected}
        return JSONResponse({**stale, "database_schema": found}, 503)
    seen = worker.seen_at.isoformat() if worker.seen_at else None
    body: dict[str, str | None] = {"status": "ok", "database": "ok", "schema": expected}
    if found != expected:  # ahead: migrated for newer code, which is being deployed
        body["database_schema"] = found
    # Informative only: the web serves without a worker, but what waits on one
    # (certificates, releases, offers timing out) does not happen.
    return JSONResponse({**body, "worker": {"running": worker.running, "seen_at": seen}})
