"""JSON API routers, one module per domain, mounted under /api."""

from fastapi import APIRouter

from ewaste.web.api import (
    accounts,
    adjustments,
    auth,
    catalog,
    lots,
    pickups,
    prices,
    quotes,
    reports,
    routes,
    stations,
    units,
)

router = APIRouter(prefix="/api")
for module in (
    auth,
    catalog,
    prices,
    quotes,
    pickups,
    adjustments,
    routes,
    stations,
    lots,
    units,
    accounts,
    reports,
):
    router.include_router(module.router)

__all__ = ["router"]
