"""Quotes: a household asks what its items are worth, and sees how the price was built."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt
from pydantic_core import to_json

from ewaste import pricing
from ewaste.kernel.geo import GeoPoint
from ewaste.web.api.schemas import MoneyOut, PathId, PointIn
from ewaste.web.context import BearerCredentials, RequestContext, in_api_transaction

router = APIRouter(tags=["quotes"])

AttributeValue = (
    Annotated[StrictInt, Field(ge=0, le=1_000_000)] | Annotated[str, Field(max_length=40)]
)


class QuoteItemIn(BaseModel):
    """One kind of item: its category, what it is like, whether it works, how many."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=40, examples=["tv_flat"])
    quantity: StrictInt = Field(default=1, ge=1, le=50)
    attributes: dict[str, AttributeValue] = Field(
        default_factory=dict, max_length=10, examples=[{"technology": "led", "screen_inch": 55}]
    )
    works: StrictBool = True
    conditions: list[str] = Field(default_factory=list, max_length=6, examples=[["broken_screen"]])
    producer: str = Field(default="", max_length=80)


class QuoteIn(BaseModel):
    """The items to price, and where they are (defaults to the household's address)."""

    model_config = ConfigDict(extra="forbid")

    items: list[QuoteItemIn] = Field(min_length=1, max_length=20)
    location: PointIn | None = None


class QuoteItemOut(BaseModel):
    """An item of the quote and its exact subtotal."""

    index: int
    category: str
    quantity: int
    attributes: dict[str, int | str]
    works: bool
    conditions: list[str]
    producer: str
    unit_mass_grams: int
    subtotal_fen_exact: str
    estimate: bool


class QuoteLineOut(BaseModel):
    """quantity × unit price = amount; costs are negative. Amounts are exact (fen, decimal)."""

    item: int = Field(description="Index of the item; -1 for the pickup's transport")
    kind: str
    key: str
    quantity: str
    unit: str
    unit_price_yuan: str
    amount_fen_exact: str
    source: str = Field(description="Where the unit price comes from")
    basis: str = Field(
        description="For lines by weight: where the item's composition and mass come from"
    )
    estimate: bool
    price_input_id: int | None


class QuoteOut(BaseModel):
    """A quote, binding until `expires_at`, with every line of how it was built."""

    id: int
    status: str
    created_at: datetime
    expires_at: datetime
    total: MoneyOut = Field(description="Paid to the household at the door (0 if collected free)")
    net_fen_exact: str = Field(description="Exact sum of the lines, in fen; may be negative")
    free_collection: bool
    region: str
    catalogue_version: str
    distance_m: int
    price_input_ids: list[int]
    items: list[QuoteItemOut]
    lines: list[QuoteLineOut]


def quote_document(quote: pricing.QuoteView) -> dict[str, Any]:
    """A quote in the shape of `QuoteOut`, as plain JSON-ready values.

    The hot routes serialise this straight away (`quote_json`) instead of building
    ~20 pydantic objects per quote (~150 µs of the quote's CPU, docs/adr/0010); a test
    validates it against `QuoteOut`, which stays the documented response model.
    """
    total = quote.total
    return {
        "id": quote.id,
        "status": quote.status,
        "created_at": quote.created_at,
        "expires_at": quote.expires_at,
        "total": {"amount": total.as_decimal_string(), "currency": total.currency.value},
        "net_fen_exact": str(quote.net_fen_exact),
        "free_collection": quote.free_collection,
        "region": quote.region,
        "catalogue_version": quote.catalogue_version,
        "distance_m": quote.distance_m,
        "price_input_ids": list(quote.input_ids),
        "items": [
            {
                "index": i.index,
                "category": i.category_code,
                "quantity": i.quantity,
                "attributes": dict(i.attributes),
                "works": i.works,
                "conditions": list(i.conditions),
                "producer": i.producer,
                "unit_mass_grams": i.unit_mass_g,
                "subtotal_fen_exact": str(i.subtotal_fen_exact),
                "estimate": i.estimate,
            }
            for i in quote.items
        ],
        "lines": [
            {
                "item": ln.item,
                "kind": ln.kind,
                "key": ln.key,
                "quantity": str(ln.quantity),
                "unit": ln.unit,
                "unit_price_yuan": str(ln.unit_price_yuan),
                "amount_fen_exact": str(ln.amount_fen_exact),
                "source": ln.source,
                "basis": ln.basis,
                "estimate": ln.estimate,
                "price_input_id": ln.input_id,
            }
            for ln in quote.lines
        ],
    }


def quote_json(quote: pricing.QuoteView, status_code: int = 200) -> Response:
    """The quote as a JSON response in the shape of `QuoteOut`, serialised by pydantic-core."""
    return Response(
        to_json(quote_document(quote)), status_code=status_code, media_type="application/json"
    )


@router.post("/quotes", response_model=QuoteOut, status_code=201)
async def create_quote(body: QuoteIn, request: Request, credentials: BearerCredentials) -> Response:
    """Price a household's items from what they are made of; binding until it expires."""
    items = [
        pricing.ItemRequest(
            i.category,
            i.quantity,
            attributes=i.attributes,
            works=i.works,
            conditions=tuple(i.conditions),
            producer=i.producer,
        )
        for i in body.items
    ]
    location = GeoPoint(body.location.lat, body.location.lon) if body.location else None
    cache = request.app.state.price_books

    def work(ctx: RequestContext) -> pricing.QuoteView:
        return pricing.create_quote(
            ctx.session,
            actor=ctx.actor,
            items=items,
            now=ctx.now,
            valid_for=timedelta(minutes=ctx.settings.quote_valid_minutes),
            region=ctx.settings.default_region,
            location=location,
            cache=cache,
        )

    return quote_json(await in_api_transaction(request, credentials, work, single_write=True), 201)


@router.get("/quotes/{quote_id}", response_model=QuoteOut)
async def get_quote(quote_id: PathId, request: Request, credentials: BearerCredentials) -> Response:
    """One of the household's quotes, with how every line of it was built."""

    def work(ctx: RequestContext) -> pricing.QuoteView:
        return pricing.get_quote(ctx.session, actor=ctx.actor, quote_id=quote_id)

    return quote_json(await in_api_transaction(request, credentials, work, single_write=True))
