"""Pages: both catalogs translate every message the templates and page code use."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ewaste.kernel.errors import DomainError
from ewaste.web.pages import forms
from ewaste.web.pages.i18n import LABELS, LOCALES, load_catalogs, translate_error

WEB = Path(forms.__file__).resolve().parent.parent


def _used_messages() -> set[str]:
    method_map = [("**/templates/**.html", "jinja2"), ("**/pages/**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = extract_from_dir(
        str(WEB),
        method_map=method_map,
        options_map=options,
        keywords={"_": None, "gettext": None, "N_": None},
    )
    messages = {str(message) for _file, _line, message, _comments, _context in found}
    messages |= {msgid for group in LABELS.values() for msgid in group.values()}
    messages |= {
        error.message
        for error in vars(forms).values()
        if isinstance(error, type)
        and issubclass(error, DomainError)
        and error.__module__ == forms.__name__
    }
    return messages


def _catalog(locale: str) -> dict[str, str]:
    path = WEB / "locale" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_used_by_the_pages_is_translated(locale: str) -> None:
    catalog = _catalog(locale)
    missing = sorted(m for m in _used_messages() if not catalog.get(m))
    assert missing == []


def test_the_chinese_catalog_really_is_chinese() -> None:
    catalog = _catalog("zh_CN")
    untranslated = sorted(k for k, v in catalog.items() if v == k and any(c.isalpha() for c in k))
    assert untranslated == []


def test_catalogs_compile_in_memory() -> None:
    catalogs = load_catalogs()
    assert catalogs["zh_CN"].gettext("Log in") == "登录"
    assert catalogs["en"].gettext("Log in") == "Log in"


class _Custom(DomainError):
    code = "test.custom"
    message = "Widget {name} is broken."


def test_an_error_is_translated_from_its_template_and_context() -> None:
    from ewaste.custody import UnitNotFound

    zh = load_catalogs()["zh_CN"]
    assert translate_error(UnitNotFound(unit_code="EW1"), zh) == "未找到追溯码为 'EW1' 的物品。"


def test_an_untranslated_or_custom_error_keeps_its_english_detail() -> None:
    zh = load_catalogs()["zh_CN"]
    assert translate_error(_Custom(name="x"), zh) == "Widget x is broken."
    assert translate_error(_Custom("Something specific."), zh) == "Something specific."


def test_a_pickups_refused_move_names_its_status_and_event_in_chinese() -> None:
    from ewaste.orders import IllegalPickupTransition
    from ewaste.payouts import ResultConflicts

    zh = load_catalogs()["zh_CN"]
    refused = IllegalPickupTransition(event="reassign", current="adjustment_proposed")
    assert translate_error(refused, zh) == "回收单当前状态为 待确认调价，无法执行 改派。"
    conflict = ResultConflicts(payout_id=7, current="requested", outcome="paid")
    assert "requested" not in translate_error(conflict, zh)
