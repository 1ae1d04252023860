"""Money as integer minor units (fen for CNY), with one rounding helper.

No float ever touches a money path: amounts are `int` minor units, rates are
`Decimal`, and every multiplication names its rounding mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, DecimalException
from enum import StrEnum

from ewaste.kernel.errors import InvalidInput


class Currency(StrEnum):
    """ISO 4217 currencies the platform books in."""

    CNY = "CNY"

    @property
    def minor_per_major(self) -> int:
        """How many minor units (fen) make one major unit (yuan)."""
        return 100


class CurrencyMismatch(InvalidInput):
    """Two amounts in different currencies were combined."""

    code = "money.currency_mismatch"
    message = "Cannot combine {left} with {right}."


class InvalidAmount(InvalidInput):
    """A money amount could not be parsed or has more precision than the currency."""

    code = "money.invalid_amount"
    message = "{value!r} is not a valid amount in {currency} (at most 2 decimals)."


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An exact amount: `minor` units (fen) of `currency`."""

    minor: int
    currency: Currency = Currency.CNY

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise InvalidAmount(value=self.minor, currency=self.currency)

    @classmethod
    def zero(cls, currency: Currency = Currency.CNY) -> Money:
        """Nothing, in `currency`."""
        return cls(0, currency)

    @classmethod
    def parse(cls, value: str, currency: Currency = Currency.CNY) -> Money:
        """Parse a decimal string of major units ("12.50"); refuse sub-fen precision."""
        try:
            exact = Decimal(value.strip()) * currency.minor_per_major
        except (DecimalException, AttributeError):
            raise InvalidAmount(value=value, currency=currency) from None
        if not exact.is_finite() or exact != exact.to_integral_value():
            raise InvalidAmount(value=value, currency=currency)
        return cls(int(exact), currency)

    def __add__(self, other: Money) -> Money:
        _same_currency(self, other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        _same_currency(self, other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def times_int(self, count: int) -> Money:
        """Multiply by a whole count (units, items); exact."""
        return Money(self.minor * count, self.currency)

    def times(self, factor: Decimal, *, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Multiply by an exact decimal factor and round once with `rounding`."""
        return Money(round_minor(Decimal(self.minor) * factor, rounding=rounding), self.currency)

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split into parts proportional to `ratios`; the parts always sum to self.

        Largest-remainder method: each part first gets the floor of its exact share,
        then the fen left over go one each to the parts with the largest fractional
        remainders (earlier parts win ties). A part with ratio 0 gets nothing.
        Raises InvalidInput for empty, negative or all-zero ratios.
        """
        if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise InvalidInput("Ratios must be non-negative and not all zero.", ratios=list(ratios))
        total = sum(ratios)
        parts = [self.minor * r // total for r in ratios]
        remainders = [self.minor * r % total for r in ratios]
        leftover = self.minor - sum(parts)
        order = sorted(range(len(ratios)), key=lambda i: (-remainders[i], i))
        for index in order[:leftover]:
            parts[index] += 1
        return [Money(p, self.currency) for p in parts]

    def is_positive(self) -> bool:
        """True when strictly above zero."""
        return self.minor > 0

    def as_decimal_string(self) -> str:
        """Major units as an exact decimal string ("12.50"), as carried in JSON."""
        sign = "-" if self.minor < 0 else ""
        yuan, fen = divmod(abs(self.minor), self.currency.minor_per_major)
        return f"{sign}{yuan}.{fen:02d}"


def round_minor(exact_minor: Decimal, *, rounding: str = ROUND_HALF_EVEN) -> int:
    """The single rounding helper: an exact amount of minor units to a whole number."""
    return int(exact_minor.to_integral_value(rounding=rounding))


def fen(amount: int) -> Money:
    """Shorthand for an amount of CNY fen."""
    return Money(amount, Currency.CNY)


def yuan(text: str) -> Money:
    """Shorthand for parsing an amount of CNY yuan ("12.50")."""
    return Money.parse(text, Currency.CNY)


def format_money(amount: Money, locale: str = "en") -> str:
    """Render an amount for people: "¥1,234.50" in both zh-CN and English.

    Both locales write yuan with the sign before the digits and comma-grouped thousands.
    """
    sign = "-" if amount.minor < 0 else ""
    whole, fen = divmod(abs(amount.minor), amount.currency.minor_per_major)
    return f"{sign}¥{whole:,}.{fen:02d}"


def _same_currency(left: Money, right: Money) -> None:
    if left.currency != right.currency:
        raise CurrencyMismatch(left=left.currency, right=right.currency)
