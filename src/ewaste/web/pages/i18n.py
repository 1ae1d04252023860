"""Languages of the pages: gettext catalogs compiled in memory, the visitor's choice, labels.

The `.po` files under `web/locale/<locale>/LC_MESSAGES/messages.po` are the only
source: they are parsed with Babel and compiled to `.mo` bytes at start-up, so there
is no build step and no compiled catalog in the repository.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

from ewaste.kernel.errors import DomainError

LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"
LOCALES: Final = ("zh_CN", "en")
"""The languages the pages speak; the first is the platform default."""

LANG_COOKIE: Final = "lang"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate"
    """Mark `message` for the catalog without translating it here (it is looked up later)."""
    return message


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> dict[str, Translations]:
    """Compile each locale's `messages.po` in memory; FileNotFoundError if one is missing."""
    catalogs: dict[str, Translations] = {}
    for locale in LOCALES:
        path = locale_dir / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=locale)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        catalogs[locale] = Translations(fp=compiled, domain="messages")
    return catalogs


def chosen_locale(request: Request, default: str) -> str:
    """The visitor's language: the `lang` cookie when it names a known locale, else `default`."""
    wanted = request.cookies.get(LANG_COOKIE, "")
    return wanted if wanted in LOCALES else default


def translate_error(error: DomainError, translations: Translations) -> str:
    """The error's message in the visitor's language.

    Domain errors carry an English template (`message`) filled from their context.
    When the catalog translates that template, the translation is filled from the
    same context; otherwise (a custom message, or a template not yet translated)
    the English detail is shown unchanged rather than hidden.
    """
    template = type(error).message
    if error.detail != _safe_format(template, error.context):
        return error.detail
    translated = translations.gettext(template)
    if translated == template:
        return error.detail
    # Fixed words among the context (a reason, a status) are in the catalog too.
    context = {
        key: translations.gettext(value) if isinstance(value, str) and value else value
        for key, value in error.context.items()
    }
    return _safe_format(translated, context) or error.detail


def _safe_format(template: str, context: Mapping[str, object]) -> str:
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return ""


# Labels for stored values (statuses, roles, kinds). The values are stable codes in
# the database; these English labels are the msgids the catalogs translate.
LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "role": {
        "household": N_("Household"),
        "collector": N_("Collector"),
        "station": N_("Station"),
        "plant": N_("Dismantling plant"),
        "producer": N_("Producer"),
        "operator": N_("Operator"),
        "regulator": N_("Regulator"),
        "unknown": N_("Unknown"),
    },
    "pickup": {
        "requested": N_("Waiting for a collector"),
        "assigned": N_("Collector assigned"),
        "adjustment_proposed": N_("Price change to confirm"),
        "collected": N_("Collected"),
        "cancelled": N_("Cancelled"),
        "expired": N_("Expired"),
    },
    "lot": {
        "listed": N_("Listed"),
        "sold": N_("Sold"),
        "shipped": N_("Shipped"),
        "received": N_("Received"),
        "disputed": N_("Disputed"),
        "withdrawn": N_("Withdrawn"),
    },
    "unit": {
        "with_collector": N_("With the collector"),
        "at_station": N_("At the station"),
        "in_transit": N_("In transit"),
        "at_plant": N_("At the plant"),
        "dismantled": N_("Dismantled"),
        "missing": N_("Missing at reception"),
    },
    "handover": {
        "unit:collect:door": N_("Collected at the door"),
        "unit:deliver:station": N_("Delivered to the station"),
        "unit:ship:dispatch": N_("Shipped to the plant"),
        "unit:receive:plant": N_("Received at the plant"),
        "unit:dismantle:record": N_("Dismantled"),
        "unit:missing:reception": N_("Missing from the load at the plant"),
        "unit:find:station": N_("Found back at the station"),
    },
    "fraction": {
        "ferrous": N_("Ferrous metal"),
        "copper": N_("Copper"),
        "aluminium": N_("Aluminium"),
        "plastics": N_("Plastics"),
        "glass": N_("Glass"),
        "crt_glass": N_("CRT glass"),
        "circuit_boards": N_("Circuit boards"),
        "compressor": N_("Compressor"),
        "refrigerant": N_("Refrigerant"),
        "oil": N_("Oil"),
        "foam": N_("Foam"),
        "cables": N_("Cables"),
        "battery": N_("Batteries"),
        "other": N_("Other"),
    },
    "line": {
        "material": N_("Material"),
        "treatment": N_("Treatment"),
        "handling": N_("Collection and sorting"),
        "reuse": N_("Second-hand value"),
        "bonus": N_("Producer bonus"),
        "subsidy": N_("Subsidy share"),
        "transport_distance": N_("Transport by distance"),
        "transport_weight": N_("Transport by weight"),
    },
    "price_input": {
        "material": N_("Commodity price per kg"),
        "treatment": N_("Treatment cost"),
        "handling": N_("Handling cost per unit"),
        "reuse": N_("Second-hand value per unit"),
        "bonus": N_("Producer bonus per unit"),
        "subsidy": N_("Share of the fund subsidy passed on"),
        "transport_distance": N_("Transport cost per km"),
        "transport_weight": N_("Transport cost per kg"),
    },
    "price_kind": {
        "commodity": N_("Commodity price per kg"),
        "treatment_per_kg": N_("Treatment cost per kg"),
        "treatment_per_unit": N_("Treatment cost per unit"),
        "reuse": N_("Second-hand value per unit"),
        "bonus": N_("Producer bonus per unit"),
        "transport_per_km": N_("Transport cost per km"),
        "transport_per_kg": N_("Transport cost per kg"),
        "subsidy_share": N_("Share of the fund subsidy passed on (basis points)"),
    },
    "quote": {
        "open": N_("Open"),
        "booked": N_("Booked"),
        "expired": N_("Expired"),
    },
    "account": {
        "party_available": N_("Party balances"),
        "party_pending": N_("Party balances held (pending)"),
        "party_escrow": N_("Parties' money in escrow"),
        "escrow": N_("Escrow"),
        "platform_fees": N_("Platform fees"),
        "guarantee_fund": N_("Guarantee fund"),
        "payouts_in_transit": N_("Payouts in transit"),
        "bank": N_("Bank"),
    },
    "check_reason": {
        "total_short": N_("the outputs weigh much less than the unit"),
        "total_over": N_("the outputs weigh more than the unit"),
        "mass_unlike_category": N_("the unit's weight does not fit its category and size"),
        "not_captured": N_("not captured"),
        "fraction_short": N_("less than expected"),
        "fraction_over": N_("more than expected"),
    },
    "check": {
        "passed": N_("Passed"),
        "flagged": N_("Flagged"),
        "cleared": N_("Cleared"),
        "upheld": N_("Upheld"),
    },
}


def label(translations: Translations, group: str, value: str) -> str:
    """The translated label of a stored `value` in `group`; the raw value when unlabelled."""
    msgid = LABELS.get(group, {}).get(value)
    return translations.gettext(msgid) if msgid is not None else value
