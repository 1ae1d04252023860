"""A quote as the pages show it: each item with its lines, transport, the exact net, the total.

Amounts are stored exact (fractions of a fen allowed). Each line's amount is shown
rounded to the fen for reading; the total paid is the exact sum rounded once, which
the page says in words. Unit prices per kg or km keep up to four decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final

from babel.support import Translations

from ewaste import pricing
from ewaste.catalog.datafiles import catalogue
from ewaste.kernel.money import Money, format_money, round_minor
from ewaste.web.pages.i18n import label
from ewaste.web.pages.names import (
    attribute_name,
    attribute_value,
    commodity_name,
    condition_name,
    is_zh,
    material_name,
)

SOURCE_CHARS: Final = 60
PRICE_PLACES: Final = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Line:
    """One line for people: what, how much, at what price, for how much, on what basis."""

    kind: str
    label: str
    what: str
    quantity: str
    unit_price: str
    amount: str
    cost: bool
    source: str
    short_source: str
    estimate: bool
    input_id: int | None
    basis: str = ""
    """For lines by weight: the sources of the item's composition and mass."""


@dataclass(frozen=True, slots=True)
class Item:
    """An item as the household described it, and its lines."""

    index: int
    name: str
    quantity: int
    facts: tuple[str, ...]
    works: bool
    conditions: tuple[str, ...]
    unit_mass: str
    subtotal: str
    estimate: bool
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A whole quote for people; `quote` keeps the id, dates, status and total."""

    quote: pricing.QuoteView
    items: tuple[Item, ...]
    transport: tuple[Line, ...]
    distance: str
    net_exact: str
    versions: tuple[Line, ...]


def build(
    quote: pricing.QuoteView, *, lang: str, t: Translations, names: Mapping[str, str]
) -> Breakdown:
    """The breakdown of `quote` in `lang`, category names from `names`."""
    lines: dict[int, list[Line]] = {}
    for ln in quote.lines:
        lines.setdefault(ln.item, []).append(_line(ln, lang, t))
    items = tuple(_item(item, lines.get(item.index, []), lang, t, names) for item in quote.items)
    versions: dict[int, Line] = {}
    for ln in quote.lines:
        if ln.input_id is not None and ln.input_id not in versions:
            versions[ln.input_id] = _version(ln, lang, t, names)
    return Breakdown(
        quote=quote,
        items=items,
        transport=tuple(lines.get(-1, [])),
        distance=f"{Decimal(quote.distance_m) / 1000:,.3f} km",
        net_exact=exact_yuan(quote.net_fen_exact),
        versions=tuple(versions[key] for key in sorted(versions)),
    )


def price_text(yuan: Decimal) -> str:
    """A unit price in yuan with 2 to 4 decimals ("¥1.95", "¥5.5775", "¥4.998")."""
    rounded = yuan.quantize(PRICE_PLACES, rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{abs(rounded):,.4f}".partition(".")
    fraction = fraction.rstrip("0").ljust(2, "0")
    return f"{'-' if rounded < 0 else ''}¥{whole}.{fraction}"


def exact_yuan(fen: Decimal) -> str:
    """An exact amount of fen as yuan, every decimal kept ("¥401.736216", "-¥36.00")."""
    yuan = fen / 100
    whole, _, fraction = f"{abs(yuan):,f}".partition(".")
    return f"{'-' if yuan < 0 else ''}¥{whole}.{fraction.ljust(2, '0')}"


def rounded_yuan(fen: Decimal) -> str:
    """An exact amount of fen shown to the fen (half to even, as the total is rounded)."""
    return format_money(Money(round_minor(fen)))


def shorten(source: str) -> str:
    """The start of a source, cut at a word, for a table cell (the full text is shown on demand)."""
    if len(source) <= SOURCE_CHARS:
        return source
    cut = source[:SOURCE_CHARS].rsplit(" ", 1)[0].rstrip(",;:(")
    return f"{cut}…"


def _item(
    item: pricing.QuoteItemView,
    lines: list[Line],
    lang: str,
    t: Translations,
    names: Mapping[str, str],
) -> Item:
    model = catalogue().models.get(item.category_code)
    specs = {spec.name: spec for spec in model.attributes} if model is not None else {}
    colon = "：" if is_zh(lang) else ": "
    facts = []
    for name, value in item.attributes.items():
        spec = specs.get(name)
        if spec is None:
            facts.append(f"{name}{colon}{value}")
        else:
            value_text = attribute_value(item.category_code, spec, value, lang)
            facts.append(f"{attribute_name(spec, lang)}{colon}{value_text}")
    return Item(
        index=item.index,
        name=names.get(item.category_code, item.category_code),
        quantity=item.quantity,
        facts=tuple(facts),
        works=item.works,
        conditions=tuple(condition_name(c, lang) for c in item.conditions if c != "not_working"),
        unit_mass=_kg(item.unit_mass_g),
        subtotal=rounded_yuan(item.subtotal_fen_exact),
        estimate=item.estimate,
        lines=tuple(lines),
    )


def _line(line: pricing.QuoteLineView, lang: str, t: Translations) -> Line:
    return Line(
        kind=line.kind,
        label=label(t, "line", line.kind),
        what=_what(line, lang, t),
        quantity=_quantity(line),
        unit_price=_unit_price(line, t),
        amount=rounded_yuan(line.amount_fen_exact),
        cost=line.amount_fen_exact < 0,
        source=line.source,
        short_source=shorten(line.source),
        estimate=line.estimate,
        input_id=line.input_id,
        basis=line.basis,
    )


def _version(
    line: pricing.QuoteLineView, lang: str, t: Translations, names: Mapping[str, str]
) -> Line:
    """The price input behind a line: its kind, what it prices and its value.

    A subsidy line's unit price is the fund's rate times the share, not the input
    itself (the share), so it shows no value.
    """
    what = ""
    if line.kind in ("material", "treatment"):
        what = material_name(line.key, lang)
        facts = catalogue().materials.get(line.key)
        if line.kind == "material" and facts is not None:
            what = commodity_name(facts.commodity, lang)
    elif line.kind == "reuse":
        what = names.get(line.key, line.key)
    elif line.kind == "bonus":
        what = line.key
    return Line(
        kind=line.kind,
        label=label(t, "price_input", line.kind),
        what=what,
        quantity="",
        unit_price="" if line.kind == "subsidy" else _unit_price(line, t),
        amount="",
        cost=False,
        source=line.source,
        short_source=shorten(line.source),
        estimate=line.estimate,
        input_id=line.input_id,
    )


def _what(line: pricing.QuoteLineView, lang: str, t: Translations) -> str:
    if line.kind in ("material", "treatment"):
        return material_name(line.key, lang)
    if line.kind == "bonus":
        return line.key
    if line.kind == "transport_distance":
        return t.gettext("round trip to the nearest station")
    if line.kind == "transport_weight":
        return t.gettext("weight of all the items")
    return ""


def _quantity(line: pricing.QuoteLineView) -> str:
    if line.unit in ("kg", "km"):  # whole grams and metres: three decimals are exact
        return f"{line.quantity:,.3f} {line.unit}"
    return _plain(line.quantity)


def _unit_price(line: pricing.QuoteLineView, t: Translations) -> str:
    price = price_text(line.unit_price_yuan)
    if line.unit in ("kg", "km"):
        return f"{price}/{line.unit}"
    return t.gettext("%(price)s per unit") % {"price": price}


def _plain(number: Decimal) -> str:
    """A decimal without trailing zeros or exponent, thousands grouped ("33.9", "1,200")."""
    return f"{number.normalize():,f}"


def _kg(grams: int) -> str:
    kg, rest = divmod(grams, 1000)
    return f"{kg:,}.{rest:03d} kg"
