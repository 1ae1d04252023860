"""Compliance (foundation): per-unit dismantling records with output fractions."""

from ewaste.compliance.queries import (
    DismantlingView,
    recent_for_plant,
    recovered_grams_by_fraction,
)
from ewaste.compliance.rules import AlreadyDismantled, Fraction, InvalidFractions, InvalidLine
from ewaste.compliance.services import record_dismantling

__all__ = [
    "AlreadyDismantled",
    "DismantlingView",
    "Fraction",
    "InvalidFractions",
    "InvalidLine",
    "recent_for_plant",
    "record_dismantling",
    "recovered_grams_by_fraction",
]
