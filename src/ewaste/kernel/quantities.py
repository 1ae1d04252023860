"""Physical quantities as exact integers: mass in grams."""

from __future__ import annotations

from dataclasses import dataclass

from ewaste.kernel.errors import InvalidInput


class InvalidMass(InvalidInput):
    """A mass was negative, not whole grams, or absurdly large."""

    code = "quantity.invalid_mass"
    message = "{value!r} is not a valid mass in grams (a whole number from 0 to 100 t)."


MAX_GRAMS = 100_000_000  # 100 t: no single load on the platform is heavier


@dataclass(frozen=True, slots=True, order=True)
class Mass:
    """A mass in whole grams."""

    grams: int

    def __post_init__(self) -> None:
        if (
            not isinstance(self.grams, int)
            or isinstance(self.grams, bool)
            or not 0 <= self.grams <= MAX_GRAMS
        ):
            raise InvalidMass(value=self.grams)

    def __add__(self, other: Mass) -> Mass:
        return Mass(self.grams + other.grams)

    def kg_text(self) -> str:
        """Kilograms with three decimals, exact ("12.345")."""
        kg, g = divmod(self.grams, 1000)
        return f"{kg}.{g:03d}"
