"""Station intake: scan a collector's units in and pay the collector."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from ewaste import exchange
from ewaste.web.api.schemas import BodyId, MoneyOut
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["stations"])


class ReceiptIn(BaseModel):
    """Which collector delivered, and the codes scanned."""

    model_config = ConfigDict(extra="forbid")

    collector_id: BodyId
    unit_codes: list[str] = Field(min_length=1, max_length=5000)


class ReceiptOut(BaseModel):
    """The intake and what the collector was paid."""

    id: int
    station_id: int
    collector_id: int
    unit_count: int
    grams: int
    paid: MoneyOut
    received_at: datetime


@router.post("/station-receipts", response_model=ReceiptOut, status_code=201)
def receive_units(
    body: ReceiptIn, ctx: RequestContext = Depends(api_context, scope="function")
) -> ReceiptOut:
    """Receive a collector's units at the caller's station by scan; the collector is paid."""
    receipt = exchange.receive_at_station(
        ctx.session,
        actor=ctx.actor,
        collector_id=body.collector_id,
        unit_codes=body.unit_codes,
        now=ctx.now,
    )
    return ReceiptOut(
        id=receipt.id,
        station_id=receipt.station_id,
        collector_id=receipt.collector_id,
        unit_count=receipt.unit_count,
        grams=receipt.grams,
        paid=MoneyOut.of(receipt.paid),
        received_at=receipt.received_at,
    )
