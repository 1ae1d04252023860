"""Reports: the platform overview and the regulator's volumes (operators, regulators);
a producer's take-back figures for its brands; JSON or CSV (docs/adr/0019)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ewaste import analytics, catalog
from ewaste.web.api.schemas import MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["reports"])
Ctx = Depends(api_context, scope="function")
Month = Annotated[str, Query(min_length=7, max_length=7, examples=["2026-01"])]
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]


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


class VolumeRowOut(BaseModel):
    """One group's keys ("" or null when not grouped by) and totals."""

    category: str
    province: str
    month: str
    channel: str
    plant_id: int | None
    plant_name: str
    units: int
    grams: int


class VolumeReportOut(BaseModel):
    """Units and grams per group over a range of China months."""

    basis: str
    months: str
    group_by: list[str]
    units: int
    grams: int
    rows: list[VolumeRowOut]


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/reports/volumes", response_model=VolumeReportOut)
def volumes(
    first: Month,
    last: Month,
    basis: Annotated[str, Query(max_length=12)] = "dismantled",
    group_by: Annotated[list[str], Query(max_length=5)] = [],  # noqa: B006 - FastAPI's idiom
    format: Format = "json",
    ctx: RequestContext = Ctx,
) -> VolumeReportOut | Response:
    """Units and tonnes by category, province, month, source channel and plant (operators,
    regulators): `basis` collected (door mass, collection month) or dismantled (output
    mass, dismantling month); `group_by` any of the five (default all)."""
    report = analytics.volume_report(
        ctx.session,
        actor=ctx.actor,
        basis=basis,
        first_month=first,
        last_month=last,
        group_by=group_by,
    )
    if format == "csv":
        return _csv(analytics.volume_csv(report), f"volumes-{report.basis}-{report.months.label}")
    return VolumeReportOut(
        basis=report.basis.value,
        months=report.months.label,
        group_by=[d.value for d in report.dimensions],
        units=report.units,
        grams=report.grams,
        rows=[
            VolumeRowOut(
                category=r.category,
                province=r.province,
                month=r.month,
                channel=r.channel,
                plant_id=r.plant_id,
                plant_name=r.plant_name,
                units=r.units,
                grams=r.grams,
            )
            for r in report.rows
        ],
    )


class BrandOut(BaseModel):
    """A brand and its producer."""

    key: str
    name: str
    name_zh: str
    producer_id: int


class TakeBackRowOut(BaseModel):
    """Units of one brand and category in one China month."""

    brand: str
    category: str
    month: str
    collected_units: int
    dismantled_units: int
    dismantled_grams: int


class TakeBackOut(BaseModel):
    """A producer's take-back report for extended producer responsibility."""

    producer_id: int
    producer_name: str
    months: str
    brands: list[BrandOut]
    rows: list[TakeBackRowOut]


@router.get("/reports/producers/{producer_id}", response_model=TakeBackOut)
def take_back(
    producer_id: PathId,
    first: Month,
    last: Month,
    format: Format = "json",
    ctx: RequestContext = Ctx,
) -> TakeBackOut | Response:
    """Units of the producer's brands collected and dismantled (the producer itself;
    operators and regulators for any producer)."""
    report = analytics.take_back_report(
        ctx.session, actor=ctx.actor, producer_id=producer_id, first_month=first, last_month=last
    )
    if format == "csv":
        return _csv(analytics.take_back_csv(report), f"take-back-{producer_id}")
    return TakeBackOut(
        producer_id=report.producer_id,
        producer_name=report.producer_name,
        months=report.months.label,
        brands=[
            BrandOut(key=b.key, name=b.name, name_zh=b.name_zh, producer_id=b.producer_id)
            for b in report.brands
        ],
        rows=[
            TakeBackRowOut(
                brand=r.brand,
                category=r.category,
                month=r.month,
                collected_units=r.collected_units,
                dismantled_units=r.dismantled_units,
                dismantled_grams=r.dismantled_grams,
            )
            for r in report.rows
        ],
    )


class BrandIn(BaseModel):
    """Map a brand to the producer organisation responsible for it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    name_zh: str = Field(default="", max_length=80)
    producer_id: int = Field(ge=1, le=2**31 - 1)


@router.post("/brands", response_model=BrandOut, status_code=201)
def map_brand(body: BrandIn, ctx: RequestContext = Ctx) -> BrandOut:
    """An operator maps a brand to its producer."""
    b = catalog.map_brand(
        ctx.session,
        actor=ctx.actor,
        name=body.name,
        name_zh=body.name_zh,
        producer_id=body.producer_id,
        now=ctx.now,
    )
    return BrandOut(key=b.key, name=b.name, name_zh=b.name_zh, producer_id=b.producer_id)
