"""Templates, filters and the one `render` every page handler answers with.

Times are stored in UTC and shown in China Standard Time (UTC+8, no daylight
saving, one zone for the whole country). Money goes through `format_money`, masses
are shown in kilograms from integer grams without any float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from babel.dates import format_datetime, format_skeleton
from babel.support import Translations
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from ewaste import catalog, identity, pricing
from ewaste.config import Settings
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.money import Money, format_money
from ewaste.web.context import RequestContext
from ewaste.web.pages import breakdown, csrf
from ewaste.web.pages.i18n import LOCALES, chosen_locale, label
from ewaste.web.pages.names import region_name

TEMPLATE_DIR: Final = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True, slots=True)
class PageKit:
    """What every page needs from start-up: templates, compiled catalogs, settings."""

    templates: Jinja2Templates
    catalogs: Mapping[str, Translations]
    settings: Settings


@dataclass(frozen=True, slots=True)
class Header:
    """Who is logged in, as the page header shows it."""

    username: str
    role: str
    organisation: str
    organisation_id: int


def build_kit(settings: Settings, catalogs: Mapping[str, Translations]) -> PageKit:
    """The Jinja2 environment with the i18n extension, our filters, and the catalogs."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Re-read changed templates only while developing; in production they are fixed.
        auto_reload=settings.env == "development",
    )
    # The callables read the request's catalog from the template context, so one
    # shared environment serves every language at once without thread-local state.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    env.filters.update(
        money=_money,
        kg=kg_text,
        local_time=_local_time,
        local_date=_local_date,
        clock_time=_clock_time,
        label=_label,
        region=_region,
    )
    env.globals.update(slot_label=_slot_label, breakdown=_breakdown)
    return PageKit(Jinja2Templates(env=env), catalogs, settings)


def kit(request: Request) -> PageKit:
    """The application's page kit (set up by `pages.install`)."""
    result: PageKit = request.app.state.page_kit
    return result


def translations(request: Request) -> Translations:
    """The catalog of the visitor's language."""
    return kit(request).catalogs[language(request)]


def language(request: Request) -> str:
    """The visitor's language (a locale of `LOCALES`)."""
    return chosen_locale(request, kit(request).settings.default_locale)


def category_names(session: Session, lang: str) -> dict[str, str]:
    """Catalogue codes to category names in `lang`."""
    return {c.code: c.name(lang) for c in catalog.categories(session)}


def render(
    request: Request,
    template: str,
    *,
    ctx: RequestContext | None = None,
    status: int = 200,
    **values: Any,
) -> Response:
    """Render `template` in the visitor's language with the header, CSRF token and `values`.

    With `ctx` (a logged-in page) the header shows the user and organisation, and
    `category_names` maps catalogue codes to names in the visitor's language.
    """
    pages = kit(request)
    lang = chosen_locale(request, pages.settings.default_locale)
    context: dict[str, Any] = {
        "lang": lang,
        "locales": LOCALES,
        "_t": pages.catalogs[lang],
        "csrf_token": csrf.token(request),
        "here": _here(request),
        "header": _header(ctx, lang) if ctx is not None else None,
        "category_names": category_names(ctx.session, lang) if ctx is not None else {},
        "failure": None,
    }
    context.update(values)
    return pages.templates.TemplateResponse(request, template, context, status_code=status)


def see_other(url: str) -> RedirectResponse:
    """The answer to a successful form post: 303 to the page that shows the result."""
    return RedirectResponse(url, status_code=303)


def kg_text(grams: int) -> str:
    """Kilograms from integer grams, exact to the gram ("12.345 kg")."""
    sign = "-" if grams < 0 else ""
    kg, rest = divmod(abs(grams), 1000)
    return f"{sign}{kg:,}.{rest:03d} kg"


def local(moment: datetime) -> datetime:
    """`moment` (aware) in China Standard Time."""
    return moment.astimezone(CHINA_TIME)


def _header(ctx: RequestContext, lang: str) -> Header:
    org = identity.organisation_row(ctx.session, ctx.actor.organisation_id)
    name = ""
    if org is not None:
        name = org.name_zh if lang == "zh_CN" and org.name_zh else org.name
    return Header(ctx.actor.username, ctx.actor.role.value, name, ctx.actor.organisation_id)


def _here(request: Request) -> str:
    path = request.url.path
    return path if path.startswith("/") and not path.startswith("//") else "/"


@pass_context
def _gettext(context: Context, message: str) -> str:
    catalog_: Translations = context["_t"]
    return catalog_.gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    catalog_: Translations = context["_t"]
    return catalog_.ngettext(singular, plural, n)


@pass_context
def _money(context: Context, amount: Money) -> str:
    return format_money(amount, context["lang"])


@pass_context
def _label(context: Context, value: str, group: str) -> str:
    return label(context["_t"], group, value)


@pass_context
def _local_time(context: Context, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_datetime(local(moment), "yyyy-MM-dd HH:mm", locale=context["lang"])


@pass_context
def _breakdown(context: Context, quote: pricing.QuoteView) -> breakdown.Breakdown:
    return breakdown.build(
        quote, lang=context["lang"], t=context["_t"], names=context["category_names"]
    )


def _clock_time(moment: datetime) -> str:
    return f"{local(moment):%H:%M}"


@pass_context
def _local_date(context: Context, moment: datetime) -> str:
    return format_datetime(local(moment), "yyyy-MM-dd", locale=context["lang"])


@pass_context
def _region(context: Context, code: str) -> str:
    return region_name(code, context["lang"])


@pass_context
def _slot_label(context: Context, start: datetime, end: datetime) -> str:
    day = format_skeleton("MMMEd", local(start), locale=context["lang"])
    return f"{day} {local(start):%H:%M}–{local(end):%H:%M}"
