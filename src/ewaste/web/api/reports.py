"""The platform overview for operators and regulators."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ewaste import analytics
from ewaste.web.api.schemas import MoneyOut
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["reports"])


class CategoryVolumeOut(BaseModel):
    """Units and mass collected in one category."""

    category: str
    name_en: str
    name_zh: str
    units: int
    grams: int


class OverviewOut(BaseModel):
    """Platform-wide figures and integrity checks."""

    organisations: dict[str, int]
    pickups: dict[str, int]
    lots: dict[str, int]
    units_by_status: dict[str, int]
    categories: list[CategoryVolumeOut]
    money_by_account_kind: dict[str, MoneyOut]
    recovered_grams: dict[str, int]
    ledger_balanced: bool
    custody_chains_complete: int
    custody_chains_total: int


@router.get("/reports/overview", response_model=OverviewOut)
def overview(ctx: RequestContext = Depends(api_context, scope="function")) -> OverviewOut:
    """Volumes, money and integrity checks across the platform (operator, regulator)."""
    o = analytics.overview_for(ctx.session, actor=ctx.actor)
    return OverviewOut(
        organisations=o.organisations,
        pickups=o.pickups,
        lots=o.lots,
        units_by_status=o.units_by_status,
        categories=[
            CategoryVolumeOut(
                category=c.code, name_en=c.name_en, name_zh=c.name_zh, units=c.units, grams=c.grams
            )
            for c in o.categories
        ],
        money_by_account_kind={k: MoneyOut.of(v) for k, v in o.money_by_kind.items()},
        recovered_grams=o.recovered_grams,
        ledger_balanced=o.ledger_balanced,
        custody_chains_complete=o.chains_complete,
        custody_chains_total=o.chains_total,
    )
