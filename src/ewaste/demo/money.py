"""The demo city's money at the end of the day: the partner option pool set up by the
operator, bank accounts for the stations and some collectors, their withdrawals, and the
first bank batch gathered (created, not yet downloaded), so the money and partner pages
have something to show. Everything goes through the services, as on the pages."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from ewaste import ledger, partners, payouts
from ewaste.db.uow import transaction
from ewaste.demo.city import City
from ewaste.identity import Actor
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money

POOL_TOTAL_SHARES = 10_000_000
POOL_CAP_SHARES = 1_500_000  # 15 % of the equity; the hard cap is 20 %
STATION_WITHDRAWAL = Money(1_000_000)  # ¥10,000
COLLECTOR_WITHDRAWAL = Money(50_000)  # ¥500
WITHDRAWING_COLLECTORS = 5


def settle_the_day(factory: sessionmaker[Session], city: City, clock: FrozenClock) -> int:
    """Set up the pool, let stations and a few collectors withdraw, gather the bank batch;
    the number of payouts in the batch."""
    with transaction(factory) as session:
        partners.configure_pool(
            session,
            actor=city.operator,
            total_shares=POOL_TOTAL_SHARES,
            cap_shares=POOL_CAP_SHARES,
            terms=partners.PoolTerms(),
            now=clock.now(),
        )
    withdrawing = [(s, STATION_WITHDRAWAL) for s in city.stations] + [
        (c, COLLECTOR_WITHDRAWAL) for c in city.collectors[:WITHDRAWING_COLLECTORS]
    ]
    for number, (party, amount) in enumerate(withdrawing, start=1):
        with transaction(factory) as session:
            _withdraw(session, party, amount, clock, number)
    with transaction(factory) as session:
        batch = payouts.create_batch(session, actor=city.operator, now=clock.now())
    return batch.payout_count


def _withdraw(session: Session, party: Actor, amount: Money, clock: FrozenClock, n: int) -> None:
    available = ledger.balance(session, ledger.Accounts.party(party.organisation_id))
    amount = min(amount, available)
    if not amount.is_positive():
        return
    payouts.save_bank_account(
        session,
        actor=party,
        holder=f"demo account holder {n}",
        bank_name="中国工商银行深圳分行",
        account_number=f"6222{n:012d}",
        now=clock.now(),
    )
    payouts.request_payout(
        session,
        actor=party,
        amount=amount,
        idempotency_key=f"demo-withdrawal-{party.organisation_id}",
        now=clock.now(),
    )
