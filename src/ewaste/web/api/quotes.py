"""Quotes: a household asks what its items are worth."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ewaste import pricing
from ewaste.web.api.schemas import MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["quotes"])


class QuoteItemIn(BaseModel):
    """One kind of item and how many."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(min_length=1, max_length=40)
    quantity: StrictInt = Field(ge=1, le=50)


class QuoteIn(BaseModel):
    """The items to price."""

    model_config = ConfigDict(extra="forbid")

    items: list[QuoteItemIn] = Field(min_length=1, max_length=20)


class QuoteLineOut(BaseModel):
    """One priced line."""

    category: str
    quantity: int
    unit_price: MoneyOut
    total: MoneyOut
    basis: str


class QuoteOut(BaseModel):
    """A quote, binding until `expires_at`."""

    id: int
    status: str
    created_at: datetime
    expires_at: datetime
    total: MoneyOut
    lines: list[QuoteLineOut]

    @classmethod
    def of(cls, quote: pricing.QuoteView) -> QuoteOut:
        """Render a quote."""
        return cls(
            id=quote.id,
            status=quote.status,
            created_at=quote.created_at,
            expires_at=quote.expires_at,
            total=MoneyOut.of(quote.total),
            lines=[
                QuoteLineOut(
                    category=ln.category_code,
                    quantity=ln.quantity,
                    unit_price=MoneyOut.of(ln.unit_price),
                    total=MoneyOut.of(ln.total),
                    basis=ln.basis,
                )
                for ln in quote.lines
            ],
        )


@router.post("/quotes", response_model=QuoteOut, status_code=201)
def create_quote(body: QuoteIn, ctx: RequestContext = Depends(api_context)) -> QuoteOut:
    """Price a household's items line by line; the quote binds until it expires."""
    quote = pricing.create_quote(
        ctx.session,
        actor=ctx.actor,
        items=[pricing.ItemRequest(i.category, i.quantity) for i in body.items],
        now=ctx.now,
        valid_for=timedelta(minutes=ctx.settings.quote_valid_minutes),
    )
    return QuoteOut.of(quote)


@router.get("/quotes/{quote_id}", response_model=QuoteOut)
def get_quote(quote_id: PathId, ctx: RequestContext = Depends(api_context)) -> QuoteOut:
    """One of the household's quotes."""
    return QuoteOut.of(pricing.get_quote(ctx.session, actor=ctx.actor, quote_id=quote_id))
