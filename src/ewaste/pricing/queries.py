"""Read models of quotes (from their stored breakdown) and of price inputs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste.kernel.money import Money
from ewaste.pricing.models import PriceInput, Quote


@dataclass(frozen=True, slots=True)
class QuoteItemView:
    """One item of a quote as the household described it, and what it weighs."""

    index: int
    category_code: str
    quantity: int
    attributes: Mapping[str, Any]
    works: bool
    conditions: tuple[str, ...]
    producer: str
    unit_mass_g: int
    subtotal_fen_exact: Decimal
    estimate: bool


@dataclass(frozen=True, slots=True)
class QuoteLineView:
    """One line: quantity × unit price = exact amount (fen), with its source and version."""

    item: int
    kind: str
    key: str
    quantity: Decimal
    unit: str
    unit_price_yuan: Decimal
    amount_fen_exact: Decimal
    source: str
    """Where the unit price comes from."""
    estimate: bool
    input_id: int | None
    basis: str = ""
    """Where the quantity comes from (an item's composition and mass), for lines by weight."""


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote with its items and every line of its breakdown."""

    id: int
    household_id: int
    status: str
    created_at: datetime
    expires_at: datetime
    total: Money
    """What the household is paid at the door (0 when collected free)."""
    net_fen_exact: Decimal
    free_collection: bool
    region: str
    catalogue_version: str
    distance_m: int
    items: tuple[QuoteItemView, ...]
    lines: tuple[QuoteLineView, ...]

    @property
    def input_ids(self) -> tuple[int, ...]:
        """The price input versions the quote used."""
        return tuple(sorted({ln.input_id for ln in self.lines if ln.input_id is not None}))


def quote_view(session: Session, quote: Quote) -> QuoteView:
    """The read model of a quote, from its stored breakdown."""
    return _view(quote)


def _view(quote: Quote) -> QuoteView:
    return view_of_breakdown(quote, json.loads(quote.breakdown))


def view_of_breakdown(
    quote: Quote, data: Mapping[str, Any], lines: tuple[QuoteLineView, ...] | None = None
) -> QuoteView:
    """The read model of a quote whose breakdown document is already parsed.

    Lines name their source (and basis) either in full or, in the compact form, as an
    index into the document's list of distinct `sources` (a quote repeats a handful of
    long citations over dozens of lines). A caller that already holds the lines as read
    models (the quote it has just priced) passes them instead of having them parsed.
    """
    items = tuple(
        QuoteItemView(
            index=i["index"],
            category_code=i["category"],
            quantity=i["quantity"],
            attributes=i["attributes"],
            works=i["works"],
            conditions=tuple(i["conditions"]),
            producer=i["producer"],
            unit_mass_g=i["unit_mass_g"],
            subtotal_fen_exact=Decimal(i["subtotal_fen"]),
            estimate=i["estimate"],
        )
        for i in data["items"]
    )
    if lines is None:
        lines = _lines_of(data)
    return QuoteView(
        id=quote.id,
        household_id=quote.household_id,
        status=quote.status,
        created_at=quote.created_at,
        expires_at=quote.expires_at,
        total=Money(quote.total_fen),
        net_fen_exact=Decimal(quote.net_fen_exact),
        free_collection=quote.free_collection,
        region=quote.region,
        catalogue_version=quote.catalogue_version,
        distance_m=data.get("distance_m", 0),
        items=items,
        lines=lines,
    )


def _lines_of(data: Mapping[str, Any]) -> tuple[QuoteLineView, ...]:
    sources: Sequence[str] = data.get("sources", ())

    def cited(ref: object) -> str:
        return sources[ref] if isinstance(ref, int) else str(ref or "")

    return tuple(
        QuoteLineView(
            item=ln["item"],
            kind=ln["kind"],
            key=ln["key"],
            quantity=Decimal(ln["quantity"]),
            unit=ln["unit"],
            unit_price_yuan=Decimal(ln["unit_price_yuan"]),
            amount_fen_exact=Decimal(ln["amount_fen"]),
            source=cited(ln["source"]),
            estimate=ln["estimate"],
            input_id=ln["input_id"],
            basis=cited(ln.get("basis")),
        )
        for ln in data["lines"]
    )


def open_quotes_of(session: Session, household_id: int) -> Sequence[QuoteView]:
    """A household's open quotes, newest first."""
    stmt = (
        select(Quote)
        .where(Quote.household_id == household_id, Quote.status == "open")
        .order_by(Quote.id.desc())
    )
    return [_view(q) for q in session.scalars(stmt)]


def quote_by_id(session: Session, quote_id: int) -> QuoteView | None:
    """A quote by id for other domains that have already checked access to what holds it."""
    quote = session.get(Quote, quote_id)
    return _view(quote) if quote is not None else None


@dataclass(frozen=True, slots=True)
class PriceInputView:
    """One version of a price input."""

    id: int
    kind: str
    key: str
    region: str
    micro_yuan: int
    effective_from: datetime
    effective_to: datetime | None
    source: str
    estimate: bool
    entered_at: datetime

    @property
    def yuan(self) -> Decimal:
        """The value in yuan (or basis points for a subsidy share)."""
        return Decimal(self.micro_yuan) / 1_000_000


def price_input_view(row: PriceInput) -> PriceInputView:
    """The read model of a price input row."""
    return PriceInputView(
        row.id,
        row.kind,
        row.key,
        row.region,
        row.micro_yuan,
        row.effective_from,
        row.effective_to,
        row.source,
        row.estimate,
        row.entered_at,
    )
