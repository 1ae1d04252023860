"""The public price board and the price index: what prices are in force, and how the
reference price of each category moved. Follows the rules of `services.py` (reads only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from ewaste.catalog.datafiles import catalogue
from ewaste.catalog.specs import CategoryModel
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.money import Money
from ewaste.pricing.book import build_price_book, price_inputs_by_ids
from ewaste.pricing.engine import PriceBook, price_quote
from ewaste.pricing.rules import NoPriceBook

MAX_WEEKS = 104


@dataclass(frozen=True, slots=True)
class CommodityPrice:
    """A commodity price in force."""

    commodity: str
    yuan_per_kg: Decimal
    effective_from: datetime
    source: str
    estimate: bool
    input_id: int


@dataclass(frozen=True, slots=True)
class ReferencePrice:
    """What a category's reference unit (default attributes, not working, at a station) fetches."""

    category: str
    unit_mass_g: int
    payable: Money
    net_fen_exact: Decimal
    free_collection: bool


@dataclass(frozen=True, slots=True)
class PriceBoard:
    """The prices in force for a region at a moment, and each category's reference price."""

    region: str
    at: datetime
    commodities: tuple[CommodityPrice, ...]
    references: tuple[ReferencePrice, ...]


@dataclass(frozen=True, slots=True)
class IndexPoint:
    """A category's reference net on one day, and as an index (first point = 100)."""

    day: date
    net_fen: Decimal
    index: Decimal | None


def price_board(session: Session, *, region: str, at: datetime) -> PriceBoard:
    """The board for `region` at `at` (public). Raises NoPriceBook."""
    book, _ = build_price_book(session, region=region, at=at)
    rows = price_inputs_by_ids(session, [ref.input_id for ref in book.commodities.values()])
    commodities = tuple(
        CommodityPrice(
            commodity=key,
            yuan_per_kg=Decimal(ref.micro_yuan) / 1_000_000,
            effective_from=rows[ref.input_id].effective_from,
            source=ref.source,
            estimate=ref.estimate,
            input_id=ref.input_id,
        )
        for key, ref in sorted(book.commodities.items())
    )
    on = at.astimezone(CHINA_TIME).date()
    references = tuple(
        _reference(model, book, on) for _, model in sorted(catalogue().models.items())
    )
    return PriceBoard(region, at, commodities, references)


def price_index(
    session: Session, *, region: str, at: datetime, weeks: int = 12
) -> dict[str, list[IndexPoint]]:
    """Weekly reference nets per category over the last `weeks` weeks, oldest first (public).

    Each point uses the price book that was in force that day (history is never
    rewritten, so the series can be recomputed at any time). Raises NoPriceBook.
    """
    weeks = max(1, min(weeks, MAX_WEEKS))
    series: dict[str, list[IndexPoint]] = {code: [] for code in catalogue().models}
    for back in range(weeks, -1, -1):
        moment = at - timedelta(weeks=back)
        try:
            book, _ = build_price_book(session, region=region, at=moment)
        except NoPriceBook:  # no prices yet on that day: the series starts later
            continue
        on = moment.astimezone(CHINA_TIME).date()
        for code, model in catalogue().models.items():
            net = _reference(model, book, on).net_fen_exact
            index: Decimal | None = Decimal(100)
            if series[code]:
                first = series[code][0].net_fen
                index = (net / first * 100).quantize(Decimal("0.1")) if first > 0 else None
            series[code].append(IndexPoint(on, net, index))
    return series


def _reference(model: CategoryModel, book: PriceBook, on: date) -> ReferencePrice:
    profile = model.profile({}, works=False)
    priced = price_quote([(profile, 1, "")], book=book, distance_m=0, on=on)
    return ReferencePrice(
        model.code, profile.mass_g, priced.payable, priced.net_fen_exact, priced.free_collection
    )
