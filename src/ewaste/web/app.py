"""The HTTP composition root: create_app(settings) builds the whole site."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ewaste.config import Settings
from ewaste.db.session import make_engine, make_session_factory, make_single_write_engine
from ewaste.kernel.clock import Clock, SystemClock
from ewaste.pricing import PriceBookCache
from ewaste.web import api, health, pages
from ewaste.web.custody_key import check_web_keys
from ewaste.web.errors import install_error_handlers
from ewaste.web.throttle import Throttle, TooManyLoginAttempts, TooManyLookups

API_DESCRIPTION = """
E-Waste Exchange JSON API. Authenticate with `POST /api/auth/token` and send
`Authorization: Bearer <token>`. Money is `{"amount": "12.50", "currency": "CNY"}`;
masses are integer grams. Errors are `{"code", "message", "data"}` with stable codes.
"""


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Build the application for `settings` (from the environment when omitted)."""
    settings = settings or Settings()
    check_web_keys(settings)
    engine = make_engine(settings.database_url, pool_size=settings.database_threads)
    single_write = make_single_write_engine(
        settings.database_url, pool_size=settings.database_threads
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Shutting down: close the pooled connections now rather than when collected.
        engine.dispose()
        if single_write is not None:
            single_write.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="E-Waste Exchange",
        version="0.1.0",
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.lookup_throttle = Throttle(
        settings.public_lookups_per_minute, 60, refused=TooManyLookups
    )
    app.state.login_throttle = Throttle(
        settings.failed_logins_per_quarter_hour, 15 * 60, refused=TooManyLoginAttempts
    )
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    # The quote routes read the caller and write one row: on PostgreSQL they run on
    # autocommit connections, without BEGIN and COMMIT (docs/adr/0010).
    app.state.single_write_sessions = single_write and make_session_factory(single_write)
    app.state.clock = clock or SystemClock()
    app.state.price_books = PriceBookCache()
    # The hot API routes run their transaction here (web.context.in_api_transaction);
    # idle threads end when the app is collected.
    app.state.database_threads = ThreadPoolExecutor(
        settings.database_threads, thread_name_prefix="ewaste-db"
    )
    install_error_handlers(app)
    for router in api.ROUTERS:
        app.include_router(router, prefix=api.PREFIX)
    pages.install(app, settings)
    app.include_router(health.router)
    return app
