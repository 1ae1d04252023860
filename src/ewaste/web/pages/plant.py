"""The plant's page: lots to buy, bought lots to receive, units to dismantle.

The dismantling form takes what `POST /api/units/{code}/dismantling` takes: the line,
output fractions in kg, evidence references, the nameplate's brand and the unit's size
and type attributes (typed as `name=value` pairs, listed per category beside the form).
After saving, the page shows the record's output check (passed, or flagged with why).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ewaste import catalog, compliance, custody, exchange
from ewaste.catalog.datafiles import catalogue
from ewaste.custody import UnitStatus
from ewaste.exchange import LotStatus
from ewaste.identity import Role
from ewaste.kernel.digits import is_digits
from ewaste.kernel.errors import DomainError, InvalidInput
from ewaste.web.api.schemas import PathId
from ewaste.web.context import RequestContext
from ewaste.web.pages import csrf, forms
from ewaste.web.pages.auth import page_context
from ewaste.web.pages.failures import Failure, error_page, failed
from ewaste.web.pages.names import attribute_name, choice_name, unit_name
from ewaste.web.pages.rendering import language, render, see_other

router = APIRouter(include_in_schema=False)

FRACTIONS = tuple(f.value for f in compliance.Fraction)
MAX_EVIDENCE: Final = 200
"""As the API: the evidence references of one dismantling, at most 200 characters."""
MAX_ATTRIBUTES: Final = 10

_PAIR: Final = re.compile(r"([a-z][a-z0-9_]{0,39})=([A-Za-z0-9_.\-]{1,40})")


class InvalidAttributeText(InvalidInput):
    """The attributes field holds something other than `name=value` pairs."""

    code = "pages.invalid_attribute_text"
    message = (
        "Write the unit's attributes as name=value pairs separated by spaces, "
        "e.g. screen_inch=21 technology=crt (at most 10)."
    )


class EvidenceTooLong(InvalidInput):
    """More evidence references than one dismantling record holds."""

    code = "pages.evidence_too_long"
    message = "The evidence references are at most {maximum} characters."


@dataclass(frozen=True, slots=True)
class AttributeHint:
    """One attribute a category takes, as the form's help lists it."""

    name: str
    label: str
    accepts: str
    """The choices (code = name) or the whole-number range with its unit."""


def parse_attributes(text: str) -> dict[str, int | str]:
    """`screen_inch=21 technology=crt` → {"screen_inch": 21, "technology": "crt"}.

    Pairs are separated by spaces, commas, semicolons or new lines; a value of digits
    only is a whole number. Raises InvalidAttributeText for anything else, a name given
    twice or more than ten pairs. Whether the category takes the names and values is
    the service's check (InvalidAttributes).
    """
    parsed: dict[str, int | str] = {}
    for pair in re.split(r"[\s,;，；]+", text.strip()):
        if not pair:
            continue
        match = _PAIR.fullmatch(pair)
        if match is None or match[1] in parsed or len(parsed) == MAX_ATTRIBUTES:
            raise InvalidAttributeText
        name, value = match[1], match[2]
        parsed[name] = int(value) if is_digits(value) else value
    return parsed


def attribute_hints(category_codes: Sequence[str], lang: str) -> dict[str, list[AttributeHint]]:
    """For each category among `category_codes`, the attributes the form may set."""
    models = catalogue().models
    hints: dict[str, list[AttributeHint]] = {}
    for code in sorted(set(category_codes)):
        model = models.get(code)
        if model is None or not model.attributes:
            continue
        hints[code] = [
            AttributeHint(
                spec.name,
                attribute_name(spec, lang),
                " | ".join(f"{c} = {choice_name(code, spec.name, c, lang)}" for c in spec.choices)
                if spec.kind == "choice"
                else f"{spec.minimum}–{spec.maximum} {unit_name(spec.unit, lang)}".strip(),
            )
            for spec in model.attributes
        ]
    return hints


def home(request: Request, ctx: RequestContext, failure: Failure | None = None) -> Response:
    """Render the plant's page (status from `failure`, 200 without one)."""
    if failure is not None and ctx.actor.role is not Role.PLANT:
        return error_page(request, ctx, failure)
    plant_id = ctx.actor.organisation_id
    lots = exchange.lots_for(ctx.session, actor=ctx.actor)
    received_units = custody.units_held_by(ctx.session, plant_id, status=UnitStatus.AT_PLANT.value)
    recent = compliance.recent_for_plant(ctx.session, plant_id, limit=20)
    recorded = request.query_params.get("recorded", "")
    return render(
        request,
        "plant.html",
        ctx=ctx,
        status=failure.status if failure else 200,
        failure=failure,
        listed=[lot for lot in lots if lot.status == LotStatus.LISTED],
        bought=[lot for lot in lots if lot.plant_id == plant_id],
        received_units=received_units,
        fractions=FRACTIONS,
        recent=recent,
        just_recorded=next((r for r in recent if r.unit_code == recorded), None),
        attribute_hints=attribute_hints(
            [u.category_code for u in received_units], language(request)
        ),
        brand_names={
            b.key: (b.name_zh or b.name) if language(request) == "zh_CN" else b.name
            for b in catalog.brands(ctx.session)
        },
    )


@router.post("/lots/{lot_id}/buy", name="page_buy_lot")
def buy_lot(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Buy a listed lot at its price into escrow (same service as POST /api/lots/{id}/buy)."""
    try:
        exchange.buy_lot(ctx.session, actor=ctx.actor, lot_id=lot_id, now=ctx.now)
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"buy-{lot_id}", err, form))
    return see_other(f"/#lot-{lot_id}")


@router.post("/lots/{lot_id}/receive", name="page_receive_lot")
def receive_lot(
    request: Request,
    lot_id: PathId,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Receive a shipped lot by scan and weighbridge (same service as the API's receive)."""
    try:
        exchange.receive_lot(
            ctx.session,
            actor=ctx.actor,
            lot_id=lot_id,
            unit_codes=forms.unit_codes(forms.text(form, "unit_codes")),
            load_grams=forms.grams_from_kg(forms.text(form, "load_kg")),
            now=ctx.now,
            tolerance_basis_points=ctx.settings.reception_weight_tolerance_basis_points,
            fee_basis_points=ctx.settings.platform_fee_basis_points,
            evidence=forms.text(form, "evidence", required=False).split(),
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, f"receive-{lot_id}", err, form))
    return see_other(f"/#lot-{lot_id}")


@router.post("/dismantling", name="page_record_dismantling")
def record_dismantling(
    request: Request,
    form: FormData = Depends(csrf.checked_form),
    ctx: RequestContext = Depends(page_context),
) -> Response:
    """Record one unit's dismantling (same service as POST /api/units/{code}/dismantling).

    Fractions are in kg; evidence, brand and attributes are optional. The page then
    shows the record with its output check.
    """
    try:
        fractions = {
            name: forms.grams_from_kg(value, allow_zero=True)
            for name in FRACTIONS
            if (value := forms.text(form, f"fraction_{name}", required=False))
        }
        evidence = " ".join(forms.text(form, "evidence", required=False).split())
        if len(evidence) > MAX_EVIDENCE:
            raise EvidenceTooLong(maximum=MAX_EVIDENCE)
        record = compliance.record_dismantling(
            ctx.session,
            actor=ctx.actor,
            unit_code=forms.text(form, "unit_code"),
            line=forms.text(form, "line"),
            fractions=fractions,
            now=ctx.now,
            evidence=evidence,
            attributes=parse_attributes(forms.text(form, "attributes", required=False)),
            brand=forms.text(form, "brand", required=False),
        )
    except DomainError as err:
        return home(request, ctx, failed(request, ctx, "dismantle", err, form))
    return see_other(f"/?recorded={record.unit_code}#dismantled")
