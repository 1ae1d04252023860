"""Builders for settlement tests: a seller's credit score, a sold and shipped lot, and the
balances every path moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ewaste import credit, exchange, ledger
from ewaste.credit.models import CreditScore
from ewaste.kernel.money import Money
from tests.factories import World
from tests.integration.exchange.helpers import lot

FEE_BP = 200
TOL_BP = 300


def score(session: Session, organisation_id: int, value: int, *, at: datetime) -> None:
    """Give a party a credit score computed an hour before `at` (its tier follows)."""
    session.add(
        CreditScore(
            organisation_id=organisation_id,
            role="station",
            period=credit.credit_period(at),
            computed_at=at - timedelta(hours=1),
            formula_version=credit.FORMULA_VERSION,
            score=value,
            tier=credit.settlement_tier(value).value,
            volume_grams=0,
            months_active=0,
            on_time=0,
            late=0,
            accurate=0,
            inaccurate=0,
            clean=0,
            disputes_lost=0,
            completed=0,
            cancelled=0,
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class Books:
    """The balances a sale moves, in fen."""

    plant: int
    station: int
    station_pending: int
    escrow: int
    fund: int
    fees: int

    def minus(self, other: Books) -> Books:
        """The change from `other` to this."""
        return Books(
            self.plant - other.plant,
            self.station - other.station,
            self.station_pending - other.station_pending,
            self.escrow - other.escrow,
            self.fund - other.fund,
            self.fees - other.fees,
        )

    def total(self) -> int:
        """The sum over these accounts (all credit-normal): unchanged when money only moves
        between them."""
        return (
            self.plant + self.station + self.station_pending + self.escrow + self.fund + self.fees
        )


def books(session: Session, world: World) -> Books:
    """The balances of station a, plant a, escrow, the guarantee fund and the fees."""
    station = world.station_a.organisation_id

    def of(ref: ledger.AccountRef) -> int:
        return ledger.balance(session, ref).minor

    return Books(
        of(ledger.Accounts.party(world.plant_a.organisation_id)),
        of(ledger.Accounts.party(station)),
        of(ledger.Accounts.party_pending(station)),
        of(ledger.Accounts.ESCROW),
        of(ledger.Accounts.GUARANTEE_FUND),
        of(ledger.Accounts.PLATFORM_FEES),
    )


def listed(session: Session, world: World, now: datetime, *, price: Money, count: int = 2) -> int:
    """A fixed-price lot of station a at `price` (its units delivered and paid for); its id."""
    return lot(session, world, now=now, count=count, price=price).id


def buy(session: Session, world: World, lot_id: int, now: datetime) -> None:
    """Plant a buys the lot at its price."""
    exchange.buy_lot(session, actor=world.plant_a, lot_id=lot_id, now=now)


def ship_and_receive(
    session: Session, world: World, lot_id: int, now: datetime, *, weighed: bool = True
) -> exchange.LotView:
    """Ship the lot and receive every unit at plant a: weighed at the lot's mass (clean), or
    at 1 g (a weight discrepancy, left for an operator to decide)."""
    shipped = exchange.ship_lot(session, actor=world.station_a, lot_id=lot_id, now=now)
    return exchange.receive_lot(
        session,
        actor=world.plant_a,
        lot_id=lot_id,
        unit_codes=list(shipped.unit_codes),
        load_grams=shipped.grams if weighed else 1,
        now=now,
        tolerance_basis_points=TOL_BP,
        fee_basis_points=FEE_BP,
    )


def decide(session: Session, world: World, lot_id: int, now: datetime, *, price: Money) -> None:
    """An operator decides the lot's discrepancy at `price`."""
    exchange.decide_discrepancy(
        session,
        actor=world.operator,
        lot_id=lot_id,
        adjusted_price=price,
        reason="weighbridge ticket shows less",
        now=now,
        fee_basis_points=FEE_BP,
    )
