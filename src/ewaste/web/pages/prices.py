"""`/prices`: the public price board, in force now for the platform's region.

Anyone may read it without logging in: the commodity prices per kg that value the
materials, with their effective date, source and whether they are estimates, and a
reference price per category (default attributes, not working, handed in at a
station, so no transport) from the same service as GET /api/prices/board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from ewaste import identity, pricing
from ewaste.identity import Permission
from ewaste.kernel.errors import DomainError
from ewaste.kernel.ids import UserId
from ewaste.kernel.money import Money
from ewaste.web.context import clock, public_session, settings
from ewaste.web.errors import status_for
from ewaste.web.pages.breakdown import exact_yuan, price_text, shorten
from ewaste.web.pages.i18n import translate_error
from ewaste.web.pages.names import commodity_name, materials_valued_by
from ewaste.web.pages.rendering import category_names, language, render, translations

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class CommodityRow:
    """A commodity price for people."""

    code: str
    name: str
    materials: tuple[str, ...]
    price: str
    effective_from: datetime
    source: str
    short_source: str
    estimate: bool
    input_id: int


@dataclass(frozen=True, slots=True)
class ReferenceRow:
    """A category's reference price for people."""

    code: str
    name: str
    unit_mass_g: int
    payable: Money
    net_exact: str
    free_collection: bool


@router.get("/prices", name="price_board_page")
def price_board(request: Request, session: Session = Depends(public_session)) -> Response:
    """The price board (public); a region without prices says so (409)."""
    lang = language(request)
    now = clock(request).now()
    try:
        board = pricing.price_board(session, region=settings(request).default_region, at=now)
    except DomainError as err:
        message = translate_error(err, translations(request))
        return render(request, "prices.html", status=status_for(err), board=None, error=message)
    return render(
        request,
        "prices.html",
        board=board,
        error=None,
        commodities=commodity_rows(board, lang),
        references=reference_rows(board, category_names(session, lang)),
        may_write_prices=may_write_prices(request, session),
    )


def may_write_prices(request: Request, session: Session) -> bool:
    """Whether the visitor is logged in with a role that may enter prices (operators)."""
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        return False
    try:
        actor = identity.actor_for_user(session, user_id=UserId(user_id))
    except identity.InvalidToken:
        return False
    return actor.can(Permission.STAFF_PRICE_WRITE)


def commodity_rows(board: pricing.PriceBoard, lang: str) -> list[CommodityRow]:
    """The commodities in force, those that value a material first, reference series after."""
    rows = [
        CommodityRow(
            code=c.commodity,
            name=commodity_name(c.commodity, lang),
            materials=tuple(materials_valued_by(c.commodity, lang)),
            price=price_text(c.yuan_per_kg),
            effective_from=c.effective_from,
            source=c.source,
            short_source=shorten(c.source),
            estimate=c.estimate,
            input_id=c.input_id,
        )
        for c in board.commodities
    ]
    return sorted(rows, key=lambda row: not row.materials)


def reference_rows(board: pricing.PriceBoard, names: dict[str, str]) -> list[ReferenceRow]:
    """Each category's reference price, named in the visitor's language."""
    return [
        ReferenceRow(
            code=r.category,
            name=names.get(r.category, r.category),
            unit_mass_g=r.unit_mass_g,
            payable=r.payable,
            net_exact=exact_yuan(r.net_fen_exact),
            free_collection=r.free_collection,
        )
        for r in board.references
    ]
