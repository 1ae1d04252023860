"""Shared JSON shapes: money as a decimal string, positions, unit codes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ewaste.kernel.money import Money


class MoneyOut(BaseModel):
    """Money in JSON: a decimal string of yuan and the currency, never a float."""

    amount: str = Field(examples=["12.50"])
    currency: str = Field(examples=["CNY"])

    @classmethod
    def of(cls, money: Money) -> MoneyOut:
        """Render a Money value."""
        return cls(amount=money.as_decimal_string(), currency=money.currency.value)


class MoneyIn(BaseModel):
    """Money from a client: a decimal string of yuan with at most two decimals."""

    model_config = ConfigDict(extra="forbid")

    amount: str = Field(pattern=r"^\d{1,9}(\.\d{1,2})?$", examples=["480.00"])
    currency: str = Field(default="CNY", pattern=r"^CNY$")

    def to_money(self) -> Money:
        """The amount as Money (the pattern already refused anything else)."""
        return Money.parse(self.amount)


class PointIn(BaseModel):
    """A WGS-84 position."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class PointOut(BaseModel):
    """A WGS-84 position."""

    lat: float
    lon: float


UnitCodes = list[str]
