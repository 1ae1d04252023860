"""The money page's statement speaks the visitor's language although the journal stores
English: fixed descriptions through the catalog, numbered ones by their pattern, free text
as written."""

from __future__ import annotations

import pytest

from ewaste.web.pages.i18n import load_catalogs
from ewaste.web.pages.journal_text import FIXED, entry_description

CATALOGS = load_catalogs()
ZH, EN = CATALOGS["zh_CN"], CATALOGS["en"]


@pytest.mark.parametrize("description", FIXED)
def test_every_fixed_description_has_a_chinese_text(description: str) -> None:
    assert entry_description(description, ZH) != description
    assert entry_description(description, EN) == description


def test_numbered_descriptions_keep_their_numbers() -> None:
    assert entry_description("Payout 12 requested to the bank account", ZH) == (
        "提现 12：已申请转入银行账户"
    )
    assert (
        entry_description("Payout 7 failed by the bank", ZH) == "提现 7：银行付款失败，资金已退回"
    )
    assert entry_description("Payout 7 paid by the bank", EN) == "Payout 7 paid by the bank"
    assert entry_description("Reversal of entry 3: wrong amount", ZH) == "冲正分录 3：wrong amount"


def test_free_text_is_shown_as_written() -> None:
    assert entry_description("Opening balance from the old system", ZH) == (
        "Opening balance from the old system"
    )
    assert entry_description("", ZH) == ""
