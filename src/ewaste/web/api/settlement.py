"""Settlement by tier: a party reads its settlement terms, what the guarantee fund has
advanced it, what it owes the fund (its recovery balance), its pending releases and its
latest settlements; operators read any seller's (docs/adr/0020)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ewaste import settlement
from ewaste.web.api.credit import TermsOut
from ewaste.web.api.schemas import MoneyOut, PathId
from ewaste.web.context import RequestContext, api_context

router = APIRouter(tags=["settlement"])
Ctx = Depends(api_context, scope="function")


class SettlementOut(BaseModel):
    """One sale's settlement: the tier it was made under and where the seller's share went."""

    id: int
    source: str
    tier: str
    release: str
    score: int | None
    status: str
    price: MoneyOut
    advanced: MoneyOut
    share: MoneyOut | None
    repaid: MoneyOut
    shortfall: MoneyOut
    recovered: MoneyOut
    paid: MoneyOut
    held: MoneyOut
    sold_at: datetime
    received_at: datetime | None
    release_due_at: datetime | None
    settled_at: datetime | None

    @classmethod
    def of(cls, v: settlement.SettlementView) -> SettlementOut:
        """Render a settlement."""
        return cls(
            id=v.id,
            source=v.source,
            tier=v.tier,
            release=v.release,
            score=v.score,
            status=v.status,
            price=MoneyOut.of(v.price),
            advanced=MoneyOut.of(v.advanced),
            share=MoneyOut.of(v.share) if v.share is not None else None,
            repaid=MoneyOut.of(v.repaid),
            shortfall=MoneyOut.of(v.shortfall),
            recovered=MoneyOut.of(v.recovered),
            paid=MoneyOut.of(v.paid),
            held=MoneyOut.of(v.held),
            sold_at=v.sold_at,
            received_at=v.received_at,
            release_due_at=v.release_due_at,
            settled_at=v.settled_at,
        )


class SellerSettlementOut(BaseModel):
    """A seller's terms today, its running totals, its pending releases and latest sales."""

    seller_id: int
    terms: TermsOut
    score: int | None
    outstanding_advances: MoneyOut
    owed: MoneyOut
    """The recovery balance: bad advances to be repaid from later earnings."""
    pending: MoneyOut
    releases: list[SettlementOut]
    recent: list[SettlementOut]

    @classmethod
    def of(cls, v: settlement.SellerSettlement) -> SellerSettlementOut:
        """Render a seller's settlement."""
        return cls(
            seller_id=v.seller_id,
            terms=TermsOut(
                tier=v.terms.tier.value,
                release=v.terms.release.value,
                advance_limit=MoneyOut.of(v.terms.advance_limit),
                holding_days=v.terms.holding.days,
            ),
            score=v.terms.score,
            outstanding_advances=MoneyOut.of(v.outstanding_advances),
            owed=MoneyOut.of(v.owed),
            pending=MoneyOut.of(v.pending),
            releases=[SettlementOut.of(r) for r in v.releases],
            recent=[SettlementOut.of(r) for r in v.recent],
        )


@router.get("/settlement/me", response_model=SellerSettlementOut)
def my_settlement(ctx: RequestContext = Ctx) -> SellerSettlementOut:
    """The caller's organisation's settlement terms, balances, pending releases and sales."""
    return SellerSettlementOut.of(
        settlement.settlement_for(ctx.session, actor=ctx.actor, now=ctx.now)
    )


@router.get("/settlement/sellers/{organisation_id}", response_model=SellerSettlementOut)
def seller_settlement(organisation_id: PathId, ctx: RequestContext = Ctx) -> SellerSettlementOut:
    """Any seller's settlement (operators)."""
    return SellerSettlementOut.of(
        settlement.settlement_of_seller(
            ctx.session, actor=ctx.actor, organisation_id=organisation_id, now=ctx.now
        )
    )
