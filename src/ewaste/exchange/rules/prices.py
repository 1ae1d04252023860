"""Market data rules, pure: ISO weeks and clearing prices from contract totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ewaste.kernel.money import Money


def iso_week(on: date) -> str:
    """The ISO 8601 week of a date, as "2026-W48" (weeks start on Monday)."""
    year, week, _ = on.isocalendar()
    return f"{year}-W{week:02d}"


def recent_weeks(on: date, count: int) -> tuple[date, tuple[str, ...]]:
    """The Monday `count - 1` weeks before `on`'s week, and the `count` ISO weeks from that
    Monday up to `on`'s, oldest first. Raises ValueError unless 1 <= count <= 52."""
    if not 1 <= count <= 52:
        raise ValueError("between 1 and 52 weeks")
    monday = on - timedelta(days=on.weekday()) - timedelta(weeks=count - 1)
    return monday, tuple(iso_week(monday + timedelta(weeks=i)) for i in range(count))


@dataclass(frozen=True, slots=True)
class Clearing:
    """The contracts of one category, region and week, summed; prices rounded down."""

    contracts: int
    units: int
    grams: int
    total: Money

    @property
    def per_unit(self) -> Money:
        """The volume-weighted price per unit (total / units), rounded down to the fen."""
        return Money(self.total.minor // self.units if self.units else 0)

    @property
    def per_kg(self) -> Money:
        """The volume-weighted price per kilogram (total / kg), rounded down to the fen."""
        return Money(self.total.minor * 1000 // self.grams if self.grams else 0)

    def plus(self, *, units: int, grams: int, price_fen: int) -> Clearing:
        """These sums with one more contract."""
        return Clearing(
            self.contracts + 1,
            self.units + units,
            self.grams + grams,
            self.total + Money(price_fen),
        )


EMPTY = Clearing(0, 0, 0, Money.zero())


def utilisation_basis_points(used: int, licensed: int) -> int:
    """Units used per units licensed, in basis points rounded down (0 when none licensed)."""
    return used * 10_000 // licensed if licensed > 0 else 0
