"""Journal entries in the visitor's language.

The journal stores each entry's description in English, once and for ever (it is part of
the append-only record). The pages translate it when they show it: the fixed descriptions
through the catalog, the few that carry a number by their pattern; anything else (an
operator's free text) is shown as written.
"""

from __future__ import annotations

import re
from typing import Final

from babel.support import Translations

from ewaste.web.pages.i18n import N_

FIXED: Final = (
    N_("Deposit received in the platform's bank account"),
    N_("Household paid at the door for collected items"),
    N_("Station pays collector for units delivered"),
    N_("Plant pays the contract price into escrow"),
    N_("Escrow released to the station at reception, less the platform fee"),
    N_("Escrow settled at the adjusted price; the rest refunded to the plant"),
    N_("Guarantee fund advances the seller's share at award (top tier)"),
    N_("Held proceeds released after the holding period (new/low tier)"),
)
"""The descriptions the services write, for the catalog."""

NUMBERED: Final = (
    (
        re.compile(r"Payout (?P<id>[0-9]+) requested to the bank account"),
        N_("Payout {id} requested to the bank account"),
    ),
    (re.compile(r"Payout (?P<id>[0-9]+) paid by the bank"), N_("Payout {id} paid by the bank")),
    (
        re.compile(r"Payout (?P<id>[0-9]+) failed by the bank"),
        N_("Payout {id} failed at the bank, money returned"),
    ),
    (
        re.compile(r"Reversal of entry (?P<id>[0-9]+): (?P<reason>.*)", re.S),
        N_("Reversal of entry {id}: {reason}"),
    ),
)


def entry_description(description: str, translations: Translations) -> str:
    """`description` in the catalog's language (unchanged when it has no translation)."""
    for pattern, template in NUMBERED:
        if found := pattern.fullmatch(description):
            return translations.gettext(template).format(**found.groupdict())
    return translations.gettext(description) if description else description
