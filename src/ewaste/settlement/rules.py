"""Settlement by credit tier: when a seller's proceeds are released, and how a guaranteed
advance is repaid or recovered (issue 6, point 3; docs/adr/0020). Pure: no database.

A settlement is one sale seen from the seller's side: a lot sold on the exchange (seller: the
station) or a collector's delivery received at a station (seller: the collector). The tier in
force when the sale is made (`credit.settlement_terms`) is recorded on the settlement row:

- top: at award the guarantee fund advances the seller its share (price less the fee), up to
  what is left of its advance limit after its outstanding advances (nothing while it owes);
  at reception escrow repays the fund and pays the seller whatever the advance did not cover;
- middle: the seller is paid at reception;
- new/low: at reception the share goes to the seller's pending account; the worker releases
  it to the available account once the holding period has passed, exactly once.

If a seller's share at the decided price is below what was advanced, the fund bears the
shortfall and the seller owes it: every later payment to the seller first repays the fund
until the debt is cleared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import IllegalTransition, NotFound
from ewaste.kernel.money import Money

ADVANCE_FEE_BASIS_POINTS: Final = 200
"""The fee rate an advance is computed at: the platform's standard rate
(`Settings.platform_fee_basis_points`' default). Reception settles at the rate it is given;
a difference is repaid to the fund or paid to the seller there, like any adjustment."""


class SettlementStatus(StrEnum):
    """Where a seller's money for one sale is."""

    AWARDED = "awarded"
    """Sold; nothing paid to the seller yet."""
    ADVANCED = "advanced"
    """The guarantee fund advanced (part of) the seller's share at award."""
    HELD = "held"
    """Received; the share waits in the seller's pending account for its release."""
    SETTLED = "settled"
    """The seller has had everything this sale owes it (less any recovery)."""


class SettlementEvent(StrEnum):
    """What happens to a settlement."""

    ADVANCE = "advance"
    SETTLE = "settle"
    HOLD = "hold"
    RELEASE = "release"


SETTLEMENT_TRANSITIONS: Final[
    Mapping[tuple[SettlementStatus, SettlementEvent], SettlementStatus]
] = {
    (SettlementStatus.AWARDED, SettlementEvent.ADVANCE): SettlementStatus.ADVANCED,
    (SettlementStatus.AWARDED, SettlementEvent.SETTLE): SettlementStatus.SETTLED,
    (SettlementStatus.AWARDED, SettlementEvent.HOLD): SettlementStatus.HELD,
    (SettlementStatus.ADVANCED, SettlementEvent.SETTLE): SettlementStatus.SETTLED,
    (SettlementStatus.HELD, SettlementEvent.RELEASE): SettlementStatus.SETTLED,
}


class IllegalSettlementTransition(IllegalTransition):
    """A settlement was asked to move in a way its table does not allow."""

    code = "settlement.illegal_transition"
    message = "Cannot {event} a settlement that is {current}."


class SellerNotFound(NotFound):
    """No seller with this id (or not visible to the actor)."""

    code = "settlement.seller_not_found"
    message = "Seller {organisation_id} not found."


def next_settlement_status(current: SettlementStatus, event: SettlementEvent) -> SettlementStatus:
    """The status after `event`; IllegalSettlementTransition when the table has no such move."""
    try:
        return SETTLEMENT_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalSettlementTransition(event=event.value, current=current.value) from None


def advance_for(share: Money, *, limit: Money, outstanding: Money, owed: Money) -> Money:
    """What the fund advances at award: the seller's share, capped by what is left of its
    limit after its outstanding advances. Nothing while the seller owes the fund: a bad
    advance is recovered from the next payments before the fund advances again."""
    room = limit - outstanding
    if owed.is_positive() or not room.is_positive():
        return Money.zero()
    return min(share, room)


@dataclass(frozen=True, slots=True)
class Payment:
    """How the seller's share of one sale is paid when it is released.

    `fund` = `repaid` + `recovered` goes to the guarantee fund, `seller` to the seller; the
    three add up to the share. `shortfall` is what the fund advanced beyond the share (its
    loss, now owed by the seller)."""

    repaid: Money
    """Repays this sale's advance."""
    recovered: Money
    """Repays the seller's earlier debt to the fund."""
    seller: Money
    shortfall: Money

    @property
    def fund(self) -> Money:
        """Everything the fund receives."""
        return self.repaid + self.recovered


def payment(share: Money, *, advanced: Money, owed: Money) -> Payment:
    """Split a released share: first repay this sale's advance, then the seller's debt to the
    fund, the rest to the seller. A share below the advance leaves a shortfall."""
    repaid = min(share, advanced)
    rest = share - repaid
    recovered = min(rest, owed)
    return Payment(repaid, recovered, rest - recovered, advanced - repaid)
