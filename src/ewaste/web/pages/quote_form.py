"""The quote form: what the household says about each item, and reading it back.

Step one picks categories and quantities (`category`, `quantity`, repeated). Step
two asks, per chosen item `i`, for the attributes of its category (`attr-{i}-{name}`),
whether it works (`works-{i}`: yes/no) and the conditions found on it
(`condition-{i}`, repeated). Empty category rows are left out before numbering, so
the numbers of a posted form always match those of the form that was shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ewaste import catalog, pricing
from ewaste.catalog.datafiles import catalogue
from ewaste.catalog.specs import CONDITIONS, AttributeSpec, InvalidAttributes
from ewaste.web.pages import forms
from ewaste.web.pages.names import attribute_name, choice_name, condition_name, unit_name

Values = Mapping[str, Sequence[str]]
"""Submitted text by field name (a query string or a posted form), repeated fields in order."""


@dataclass(frozen=True, slots=True)
class Field:
    """One attribute input of an item row."""

    name: str
    label: str
    kind: str
    options: tuple[tuple[str, str], ...]
    minimum: int
    maximum: int
    unit: str
    value: str


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition checkbox of an item row."""

    code: str
    label: str
    checked: bool


@dataclass(frozen=True, slots=True)
class Row:
    """One item of step two: its category, how many, and what it is like."""

    index: int
    code: str
    name: str
    quantity: str
    fields: tuple[Field, ...]
    works: str
    conditions: tuple[Condition, ...]


def priceable(categories: Sequence[catalog.CategoryFacts]) -> list[catalog.CategoryFacts]:
    """The categories the catalogue can price from their materials (the ones offered)."""
    return [c for c in categories if c.code in catalogue().models]


def check_chosen(values: Values) -> None:
    """Step one's answer: at least one item, whole quantities, known categories.

    Raises NothingToQuote, InvalidNumber, CategoryNotFound.
    """
    pairs = chosen(values)
    if not pairs:
        raise forms.NothingToQuote
    for code, quantity in pairs:
        forms.whole_number(quantity or "1")
        if code not in catalogue().models:
            raise catalog.CategoryNotFound(category=code)


def chosen(values: Values) -> list[tuple[str, str]]:
    """The (category, quantity) pairs with a category, in form order."""
    categories = [v.strip() for v in values.get("category", [])]
    quantities = [v.strip() for v in values.get("quantity", [])]
    quantities += [""] * (len(categories) - len(quantities))
    return [(c, q) for c, q in zip(categories, quantities, strict=False) if c]


def rows(values: Values, *, lang: str, names: Mapping[str, str]) -> list[Row]:
    """Step two's rows for the chosen items, prefilled from `values` or the defaults.

    Categories the catalogue cannot price are left out (the error says why).
    """
    result = []
    for index, (code, quantity) in enumerate(chosen(values)):
        model = catalogue().models.get(code)
        if model is None:
            continue
        conditions = set(values.get(f"condition-{index}", []))
        result.append(
            Row(
                index=index,
                code=code,
                name=names.get(code, code),
                quantity=quantity or "1",
                fields=tuple(_field(code, index, spec, values, lang) for spec in model.attributes),
                works=_last(values, f"works-{index}"),
                conditions=tuple(
                    Condition(c, condition_name(c, lang), c in conditions)
                    for c in CONDITIONS
                    if c in model.conditions and c != "not_working"
                ),
            )
        )
    return result


def items(values: Values) -> list[pricing.ItemRequest]:
    """The posted items as quote requests.

    Raises NothingToQuote, InvalidNumber (quantity or number attribute),
    CategoryNotFound, AttributeOutOfRange, AttributeNotOffered, WorksUnknown.
    A missing attribute field takes the category's default, as in the API.
    """
    pairs = chosen(values)
    if not pairs:
        raise forms.NothingToQuote
    result = []
    for index, (code, quantity) in enumerate(pairs):
        count = forms.whole_number(quantity or "1")
        model = catalogue().models.get(code)
        if model is None:
            raise catalog.CategoryNotFound(category=code)
        attributes = {
            spec.name: _attribute(code, spec, _last(values, f"attr-{index}-{spec.name}"))
            for spec in model.attributes
        }
        works = _last(values, f"works-{index}")
        if works not in ("yes", "no"):
            raise forms.WorksUnknown
        result.append(
            pricing.ItemRequest(
                code,
                count,
                attributes=attributes,
                works=works == "yes",
                conditions=tuple(dict.fromkeys(values.get(f"condition-{index}", []))),
            )
        )
    return result


def _attribute(code: str, spec: AttributeSpec, typed: str) -> int | str:
    """The typed value checked against the attribute's spec, or a refusal that names it."""
    if not typed:
        return spec.default
    if spec.kind == "choice":
        if typed not in spec.choices:
            raise forms.AttributeNotOffered(name_en=spec.name_en, name_zh=spec.name_zh)
        return typed
    try:
        value = spec.check(code, forms.whole_number(typed))
    except (forms.InvalidNumber, InvalidAttributes):
        raise forms.AttributeOutOfRange(
            name_en=spec.name_en or spec.name,
            name_zh=spec.name_zh or spec.name,
            minimum=spec.minimum,
            maximum=spec.maximum,
            unit_en=_spaced(unit_name(spec.unit, "en")),
            unit_zh=_spaced(unit_name(spec.unit, "zh_CN")),
        ) from None
    return value


def _field(code: str, index: int, spec: AttributeSpec, values: Values, lang: str) -> Field:
    return Field(
        name=f"attr-{index}-{spec.name}",
        label=attribute_name(spec, lang),
        kind=spec.kind,
        options=tuple((c, choice_name(code, spec.name, c, lang)) for c in spec.choices),
        minimum=spec.minimum,
        maximum=spec.maximum,
        unit=unit_name(spec.unit, lang),
        value=_last(values, f"attr-{index}-{spec.name}") or str(spec.default),
    )


def values_of(pairs: Iterable[tuple[str, object]]) -> dict[str, list[str]]:
    """Text fields of a form or query string by name, repeated ones in order."""
    result: dict[str, list[str]] = {}
    for name, value in pairs:
        if isinstance(value, str) and name != "csrf_token":
            result.setdefault(name, []).append(value)
    return result


def _spaced(unit: str) -> str:
    return f" {unit}" if unit else ""


def _last(values: Values, name: str) -> str:
    found = values.get(name, [])
    return found[-1].strip() if found else ""
