"""Typed identifiers and unguessable codes."""

from __future__ import annotations

import secrets
from typing import NewType

OrganisationId = NewType("OrganisationId", int)
UserId = NewType("UserId", int)
QuoteId = NewType("QuoteId", int)
PickupId = NewType("PickupId", int)
UnitId = NewType("UnitId", int)
LotId = NewType("LotId", int)
AccountId = NewType("AccountId", int)
EntryId = NewType("EntryId", int)

MAX_ID = 2**31 - 1
"""The largest id a row can have (PostgreSQL `integer` primary keys)."""

# Crockford's base32 alphabet: no I, L, O, U, so codes survive being read aloud.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def random_code(length: int = 12) -> str:
    """A random code of `length` Crockford base32 characters (5 bits each)."""
    return "".join(secrets.choice(_CROCKFORD) for _ in range(length))


def is_code_text(text: str) -> bool:
    """True when every character is in Crockford's base32 alphabet."""
    return all(ch in _CROCKFORD for ch in text)


def normalise_code(text: str) -> str:
    """Upper-case a typed code and map look-alike letters (O→0, I/L→1), drop dashes."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
