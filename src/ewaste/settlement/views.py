"""Read models of settlements: what a seller (and staff) see of its terms, its advances, its
pending releases and what it owes the guarantee fund."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import credit
from ewaste.kernel.money import Money
from ewaste.settlement.models import Settlement
from ewaste.settlement.repository import SettlementRepository

RECENT = 50


@dataclass(frozen=True, slots=True)
class SettlementView:
    """One sale's settlement as its seller and staff see it."""

    id: int
    source: str
    tier: str
    release: str
    score: int | None
    status: str
    price: Money
    advanced: Money
    share: Money | None
    repaid: Money
    shortfall: Money
    recovered: Money
    paid: Money
    held: Money
    sold_at: datetime
    received_at: datetime | None
    release_due_at: datetime | None
    settled_at: datetime | None


@dataclass(frozen=True, slots=True)
class SellerSettlement:
    """A seller's settlement terms today, its running totals and its settlements."""

    seller_id: int
    terms: credit.SettlementTerms
    outstanding_advances: Money
    """Advanced by the fund and not yet settled at reception."""
    owed: Money
    """The recovery balance: bad advances still to be repaid from later earnings."""
    pending: Money
    """Held in the pending account, waiting for release."""
    holding: timedelta
    releases: tuple[SettlementView, ...]
    """Held settlements, soonest release first."""
    recent: tuple[SettlementView, ...]
    """Latest settlements, newest first."""


def settlement_view(row: Settlement) -> SettlementView:
    """The read model of one settlement."""
    return SettlementView(
        id=row.id,
        source=row.source,
        tier=row.tier,
        release=row.release,
        score=row.score,
        status=row.status,
        price=Money(row.price_fen),
        advanced=Money(row.advanced_fen),
        share=Money(row.share_fen) if row.share_fen is not None else None,
        repaid=Money(row.repaid_fen),
        shortfall=Money(row.shortfall_fen),
        recovered=Money(row.recovered_fen),
        paid=Money(row.paid_fen),
        held=Money(row.held_fen),
        sold_at=row.sold_at,
        received_at=row.received_at,
        release_due_at=row.release_due_at,
        settled_at=row.settled_at,
    )


def seller_settlement(session: Session, *, seller_id: int, now: datetime) -> SellerSettlement:
    """Everything a seller sees of its settlement (no access check: callers check)."""
    repo = SettlementRepository(session)
    terms = credit.settlement_terms(session, seller_id, now)
    totals = repo.seller(seller_id)
    held = tuple(settlement_view(r) for r in repo.held_of_seller(seller_id))
    return SellerSettlement(
        seller_id=seller_id,
        terms=terms,
        outstanding_advances=Money(totals.outstanding_fen if totals else 0),
        owed=Money(totals.owed_fen if totals else 0),
        pending=Money(sum(v.held.minor for v in held)),
        holding=terms.holding,
        releases=held,
        recent=tuple(settlement_view(r) for r in repo.of_seller(seller_id, limit=RECENT)),
    )
