"""The pricing engine: a quote built line by line from what each item is made of.

Per item: material value − treatment and handling + reuse value (if it works) +
producer bonus + subsidy share; per quote: − transport. Every line carries its
quantity, unit price, exact amount (fractions of a fen allowed) and source. The total
is rounded once, at the end, to the fen. Pure: standard library and kernel only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from ewaste.catalog.specs import ItemProfile
from ewaste.kernel.money import Money, round_minor

MICRO_PER_YUAN = 1_000_000
FEN_PER_YUAN = 100


class LineKind(StrEnum):
    """What a quote line stands for."""

    MATERIAL = "material"
    TREATMENT = "treatment"
    HANDLING = "handling"
    REUSE = "reuse"
    BONUS = "bonus"
    SUBSIDY = "subsidy"
    TRANSPORT_DISTANCE = "transport_distance"
    TRANSPORT_WEIGHT = "transport_weight"


@dataclass(frozen=True, slots=True)
class PriceRef:
    """A price input as the engine uses it: its version id, value and source.

    `micro_yuan` is millionths of a yuan per `unit` (kg, unit, km); basis points for shares.
    """

    input_id: int
    micro_yuan: int
    source: str
    estimate: bool = False


@dataclass(frozen=True, slots=True)
class SubsidyBand:
    """A fund subsidy per unit for a category when its attributes meet `condition`."""

    category: str
    condition: str
    yuan_per_unit: Decimal
    valid_from: date
    valid_to: date | None
    source: str

    def applies(self, profile: ItemProfile, on: date) -> bool:
        """True when the band is in force on `on` and the item meets its condition."""
        if profile.category != self.category or on < self.valid_from:
            return False
        if self.valid_to is not None and on > self.valid_to:
            return False
        return all(_meets(profile.attributes, rule) for rule in self.condition.split(";") if rule)


@dataclass(frozen=True, slots=True)
class PriceBook:
    """Every price input in force for one region at one moment."""

    region: str
    commodities: Mapping[str, PriceRef]
    """Per commodity, per kg."""
    material_commodity: Mapping[str, str]
    """Which commodity values each recoverable material."""
    treatment_per_kg: Mapping[str, PriceRef]
    treatment_per_unit: Mapping[str, PriceRef]
    """Per material present (e.g. refrigerant recovery), per unit; "handling" for every unit."""
    reuse: Mapping[tuple[str, str], PriceRef]
    """Per (category, variant), per unit; variant "" is the category default."""
    bonuses: Mapping[tuple[str, str], PriceRef]
    """Per (producer, category), per unit."""
    subsidy_share: PriceRef
    """Basis points of the fund subsidy passed through to the household."""
    subsidy_bands: Sequence[SubsidyBand]
    transport_per_km: PriceRef
    transport_per_kg: PriceRef


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One line: quantity × unit price = exact amount in fen (negative for costs)."""

    item: int
    """Index of the item in the quote (-1 for quote-level lines such as transport)."""
    kind: LineKind
    key: str
    quantity: Decimal
    unit: str
    unit_price_yuan: Decimal
    amount_fen: Decimal
    source: str
    """Where the unit price comes from (the price input's source)."""
    estimate: bool
    input_id: int | None
    basis: str = ""
    """Where the quantity comes from, for lines by weight of an item: the sources of its
    composition and mass."""


@dataclass(frozen=True, slots=True)
class Priced:
    """A priced quote: its lines, the exact net, and what the household is paid."""

    lines: tuple[QuoteLine, ...]
    net_fen_exact: Decimal
    payable: Money
    free_collection: bool
    input_ids: frozenset[int]


def price_quote(
    items: Sequence[tuple[ItemProfile, int, str]],
    *,
    book: PriceBook,
    distance_m: int,
    on: date,
) -> Priced:
    """Price `items` ((profile, quantity, producer) each) for a pickup `distance_m` away.

    The exact net may be negative: then the household is paid nothing and the
    platform collects it free (`free_collection`). Rounding happens once, here.
    """
    lines: list[QuoteLine] = []
    total_grams = 0
    for index, (profile, quantity, producer) in enumerate(items):
        lines.extend(item_lines(index, profile, quantity, producer, book=book, on=on))
        total_grams += profile.mass_g * quantity
    lines.extend(transport_lines(total_grams, distance_m, book=book))
    net = sum((line.amount_fen for line in lines), Decimal(0))
    rounded = round_minor(net, rounding=ROUND_HALF_EVEN)
    return Priced(
        lines=tuple(lines),
        net_fen_exact=net,
        payable=Money(max(rounded, 0)),
        free_collection=rounded <= 0,
        input_ids=frozenset(line.input_id for line in lines if line.input_id is not None),
    )


def item_lines(
    index: int,
    profile: ItemProfile,
    quantity: int,
    producer: str,
    *,
    book: PriceBook,
    on: date,
) -> list[QuoteLine]:
    """The lines of one item (× quantity), in a fixed order: materials, costs, extras."""
    basis = "; ".join(s for s in profile.sources if s)
    lines: list[QuoteLine] = []
    for material, grams in profile.material_grams.items():
        commodity = book.material_commodity.get(material, "")
        price = book.commodities.get(commodity)
        if price is None or grams <= 0:
            continue
        lines.append(
            _per_kg(index, LineKind.MATERIAL, material, grams * quantity, price, basis, +1)
        )
    for material, grams in profile.material_grams.items():
        cost = book.treatment_per_kg.get(material)
        if cost is not None and grams > 0:
            lines.append(
                _per_kg(index, LineKind.TREATMENT, material, grams * quantity, cost, basis, -1)
            )
    for material, cost in sorted(book.treatment_per_unit.items()):
        if material == "handling":
            continue
        if profile.material_grams.get(material, 0) > 0:
            lines.append(_per_unit(index, LineKind.TREATMENT, material, quantity, cost, -1))
    handling = book.treatment_per_unit.get("handling")
    if handling is not None:
        lines.append(_per_unit(index, LineKind.HANDLING, "handling", quantity, handling, -1))
    if profile.reuse_eligible:
        reuse = _reuse_value(profile, book)
        if reuse is not None:
            lines.append(_per_unit(index, LineKind.REUSE, profile.category, quantity, reuse, +1))
    bonus = book.bonuses.get((producer, profile.category)) if producer else None
    if bonus is not None:
        lines.append(_per_unit(index, LineKind.BONUS, producer, quantity, bonus, +1))
    subsidy = subsidy_line(index, profile, quantity, book=book, on=on)
    if subsidy is not None:
        lines.append(subsidy)
    return lines


def subsidy_line(
    index: int, profile: ItemProfile, quantity: int, *, book: PriceBook, on: date
) -> QuoteLine | None:
    """The household's share of the fund subsidy for this item, if a band applies."""
    band = next((b for b in book.subsidy_bands if b.applies(profile, on)), None)
    if band is None or book.subsidy_share.micro_yuan <= 0:
        return None
    share = Decimal(book.subsidy_share.micro_yuan) / 10_000
    unit_yuan = band.yuan_per_unit * share
    return QuoteLine(
        item=index,
        kind=LineKind.SUBSIDY,
        key=profile.category,
        quantity=Decimal(quantity),
        unit="unit",
        unit_price_yuan=unit_yuan,
        amount_fen=unit_yuan * FEN_PER_YUAN * quantity,
        source=f"{band.source}; share passed through: {book.subsidy_share.source}",
        estimate=book.subsidy_share.estimate,
        input_id=book.subsidy_share.input_id,
    )


def transport_lines(total_grams: int, distance_m: int, *, book: PriceBook) -> list[QuoteLine]:
    """The pickup's transport cost: distance (round trip) and weight, once per quote."""
    km = Decimal(2 * distance_m) / 1000
    return [
        QuoteLine(
            item=-1,
            kind=LineKind.TRANSPORT_DISTANCE,
            key="km",
            quantity=km,
            unit="km",
            unit_price_yuan=_yuan(book.transport_per_km),
            amount_fen=-km * _yuan(book.transport_per_km) * FEN_PER_YUAN,
            source=book.transport_per_km.source,
            estimate=book.transport_per_km.estimate,
            input_id=book.transport_per_km.input_id,
        ),
        _per_kg(-1, LineKind.TRANSPORT_WEIGHT, "kg", total_grams, book.transport_per_kg, "", -1),
    ]


def _per_kg(
    index: int, kind: LineKind, key: str, grams: int, price: PriceRef, basis: str, sign: int
) -> QuoteLine:
    kg = Decimal(grams) / 1000
    return QuoteLine(
        item=index,
        kind=kind,
        key=key,
        quantity=kg,
        unit="kg",
        unit_price_yuan=_yuan(price),
        amount_fen=sign * kg * _yuan(price) * FEN_PER_YUAN,
        source=price.source,
        estimate=price.estimate,
        input_id=price.input_id,
        basis=basis,
    )


def _per_unit(
    index: int, kind: LineKind, key: str, quantity: int, price: PriceRef, sign: int
) -> QuoteLine:
    return QuoteLine(
        item=index,
        kind=kind,
        key=key,
        quantity=Decimal(quantity),
        unit="unit",
        unit_price_yuan=_yuan(price),
        amount_fen=sign * quantity * _yuan(price) * FEN_PER_YUAN,
        source=price.source,
        estimate=price.estimate,
        input_id=price.input_id,
    )


def _reuse_value(profile: ItemProfile, book: PriceBook) -> PriceRef | None:
    """The second-hand value of the most specific matching variant, else the category's."""
    for name, value in sorted(profile.attributes.items()):
        found = book.reuse.get((profile.category, f"{name}={value}"))
        if found is not None:
            return found
    return book.reuse.get((profile.category, ""))


def _yuan(price: PriceRef) -> Decimal:
    return Decimal(price.micro_yuan) / MICRO_PER_YUAN


def _meets(attributes: Mapping[str, object], rule: str) -> bool:
    """Evaluate one rule: `name>=n`, `name<=n`, `name>n`, `name<n`, `name=v`, `name in a|b`."""
    rule = rule.strip()
    if " in " in rule:
        name, options = rule.split(" in ", 1)
        return str(attributes.get(name.strip())) in {o.strip() for o in options.split("|")}
    for op in (">=", "<=", ">", "<", "="):
        if op in rule:
            name, raw = (part.strip() for part in rule.split(op, 1))
            value = attributes.get(name)
            if op == "=":
                return str(value) == raw
            if not isinstance(value, int):
                return False
            limit = int(raw)
            return {
                ">=": value >= limit,
                "<=": value <= limit,
                ">": value > limit,
                "<": value < limit,
            }[op]
    return False
