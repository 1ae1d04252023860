"""JSON API routers, one module per domain, each included under /api by the app.

Each module's router is included straight into the app (not through a parent /api
router): FastAPI matches included routers level by level and re-checks every level on
each request, so one level less is cheaper on every call; the hottest routes (quotes)
come first. docs/adr/0010.
"""

from fastapi import APIRouter

from ewaste.web.api import (
    accounts,
    adjustments,
    auth,
    catalog,
    certificates,
    claims,
    credit,
    lots,
    market,
    partners,
    payouts,
    pickups,
    prices,
    quotes,
    reports,
    routes,
    settlement,
    stations,
    units,
)

PREFIX = "/api"
ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        quotes,
        auth,
        catalog,
        prices,
        pickups,
        adjustments,
        routes,
        stations,
        lots,
        market,
        units,
        certificates,
        accounts,
        payouts,
        reports,
        claims,
        credit,
        partners,
        settlement,
    )
)

__all__ = ["PREFIX", "ROUTERS"]
