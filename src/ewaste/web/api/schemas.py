"""Shared JSON shapes: money as a decimal string, positions, unit codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ewaste.kernel.ids import MAX_ID
from ewaste.kernel.money import Money


def json_response(model: BaseModel, status_code: int = 200) -> Response:
    """`model` as a JSON response, serialised once by pydantic (a route that returns it
    skips FastAPI's second validation of the response model)."""
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")


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

    amount: str = Field(pattern=r"^[0-9]{1,9}(\.[0-9]{1,2})?$", examples=["480.00"])
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


PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="Object id")]
"""An object id in a URL: a row id can only be 1 … 2³¹−1, anything else is refused (422)."""

BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
"""An object id in a JSON body."""

Grams = Annotated[StrictInt, Field(ge=0, le=100_000_000)]
"""A mass in whole grams (JSON true/false or 1.5 are refused)."""
