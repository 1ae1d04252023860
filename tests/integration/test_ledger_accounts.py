"""Account types, the database's guard against forbidden negative balances, the full
ledger check and the party's accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ewaste import identity, ledger
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import World, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def entry(
    key: str, payer: ledger.AccountRef, payee: ledger.AccountRef, fen: int, clock: FrozenClock
) -> ledger.JournalEntry:
    return ledger.JournalEntry(
        idempotency_key=key,
        occurred_at=clock.now(),
        description="test",
        source="test",
        lines=ledger.transfer(payer=payer, payee=payee, amount=Money(fen)),
    )


def test_each_account_type_says_whether_it_may_go_negative() -> None:
    allowed = {kind for kind, may in ledger.MAY_GO_NEGATIVE.items() if may}
    assert allowed == {ledger.AccountKind.GUARANTEE_FUND}
    assert set(ledger.MAY_GO_NEGATIVE) == set(ledger.AccountKind)
    assert ledger.Accounts.party_pending(7).code == "org:7:pending"
    assert ledger.Accounts.party_escrow(7).code == "org:7:escrow"
    assert ledger.Accounts.party(7).code == "org:7:available"


def test_the_database_refuses_a_forbidden_negative_balance_whoever_writes_it(
    session: Session, world: World
) -> None:
    account = ledger.Accounts.party(world.collector_a.organisation_id).code
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text(
                "UPDATE ledger_balance SET debit_minor = credit_minor + 1 WHERE account_id = "
                "(SELECT id FROM ledger_account WHERE code = :code)"
            ),
            {"code": account},
        )
    assert ledger.check_ledger(session).ok


def test_a_writer_with_a_stale_balance_is_stopped_by_the_database(
    session: Session, world: World, clock: FrozenClock
) -> None:
    collector = ledger.Accounts.party(world.collector_a.organisation_id)
    household = ledger.Accounts.party(world.household_a.organisation_id)
    everything = ledger.balance(session, collector).minor
    # The batch reads the collector's balance now ...
    batch = ledger.PostingBatch(session, accounts=[collector, household], now=clock.now())
    # ... another posting spends most of it ...
    ledger.post_entry(session, entry=entry("drain", collector, household, everything - 10, clock))
    # ... and the batch, checking against what it read, would take the account below zero.
    batch.post(entry("stale", collector, household, 100, clock))
    with pytest.raises(ledger.InsufficientFunds), session.begin_nested():
        batch.flush()
    assert ledger.balance(session, collector) == Money(10)
    assert ledger.check_ledger(session).ok


def test_the_guarantee_fund_may_go_negative_and_the_check_allows_it(
    session: Session, world: World, clock: FrozenClock
) -> None:
    station = ledger.Accounts.party(world.station_a.organisation_id)
    ledger.post_entry(
        session, entry=entry("advance", ledger.Accounts.GUARANTEE_FUND, station, 700, clock)
    )
    assert ledger.balance(session, ledger.Accounts.GUARANTEE_FUND) == Money(-700)
    check = ledger.check_ledger(session)
    assert check.ok, check
    assert check.debits == check.credits
    assert check.entries >= 1
    assert check.lines >= 2
    moves = ledger.monthly_movements(session, ledger.Accounts.GUARANTEE_FUND)
    assert [(m.month, m.increases, m.decreases) for m in moves] == [
        ("2026-11", Money(0), Money(700))
    ]
    assert ledger.monthly_movements(session, ledger.Accounts.PAYOUTS_IN_TRANSIT) == []


def test_the_check_names_balances_that_differ_from_their_lines(
    session: Session, world: World
) -> None:
    code = ledger.Accounts.party(world.plant_a.organisation_id).code
    session.execute(
        text(
            "UPDATE ledger_balance SET credit_minor = credit_minor + 5 WHERE account_id = "
            "(SELECT id FROM ledger_account WHERE code = :code)"
        ),
        {"code": code},
    )
    check = ledger.check_ledger(session)
    assert check.mismatched_balances == [code]
    assert not check.ok


def test_key_counts_and_party_accounts(session: Session, world: World, clock: FrozenClock) -> None:
    plant = world.plant_a
    counts = ledger.key_counts(session, [f"deposit:seed-{plant.organisation_id}", "nope"])
    assert counts == {f"deposit:seed-{plant.organisation_id}": 1, "nope": 0}
    ledger.post_entry(
        session,
        entry=entry(
            "escrow-own",
            ledger.Accounts.party(plant.organisation_id),
            ledger.Accounts.party_escrow(plant.organisation_id),
            300,
            clock,
        ),
    )
    balances = ledger.party_accounts(session, actor=plant)
    assert balances[ledger.AccountKind.PARTY_ESCROW] == Money(300)
    assert balances[ledger.AccountKind.PARTY_PENDING] == Money(0)
    assert list(balances) == list(ledger.PARTY_KINDS)
    assert ledger.ledger_check_for_staff(session, actor=world.operator).ok
    with pytest.raises(identity.MissingPermission):
        ledger.ledger_check_for_staff(session, actor=plant)
    assert ledger.entry_keys_with_prefix(session, "escrow-") == {"escrow-own"}
