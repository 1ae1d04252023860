"""Payouts through the services: withdrawal, idempotency, bank batch, result file,
reconciliation; every refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from ewaste import identity, ledger, payouts
from ewaste.identity import Actor
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.factories import World, build_world


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def available(session: Session, party: Actor) -> Money:
    return ledger.balance(session, ledger.Accounts.party(party.organisation_id))


def with_bank(session: Session, party: Actor, clock: FrozenClock) -> None:
    payouts.save_bank_account(
        session,
        actor=party,
        holder="王师傅",
        bank_name="中国工商银行深圳福田支行",
        account_number="6222 0212 3456 7890",
        now=clock.now(),
    )


def results(batch_id: int, *lines: tuple[int, str, str, str, str]) -> str:
    rows = [",".join(payouts.RESULT_HEADER)]
    rows += [
        f"{batch_id},{pid},{amount},{result},{ref},{reason}"
        for pid, amount, result, ref, reason in lines
    ]
    return "\n".join(rows) + "\n"


def test_a_withdrawal_moves_available_money_to_payouts_in_transit(
    session: Session, world: World, clock: FrozenClock
) -> None:
    collector = world.collector_a
    with_bank(session, collector, clock)
    before = available(session, collector)

    payout = payouts.request_payout(
        session, actor=collector, amount=Money(300_00), idempotency_key="w-1", now=clock.now()
    )

    assert (payout.status, payout.amount, payout.masked_number) == (
        "requested",
        Money(300_00),
        "•••• 7890",
    )
    assert available(session, collector) == before - Money(300_00)
    assert ledger.balance(session, ledger.Accounts.PAYOUTS_IN_TRANSIT) == Money(300_00)
    shown = payouts.bank_account_for(session, actor=collector)
    assert shown is not None
    assert shown.masked_number == "•••• 7890"


def test_the_same_key_twice_gives_one_payout_and_another_amount_is_refused(
    session: Session, world: World, clock: FrozenClock
) -> None:
    collector = world.collector_a
    with_bank(session, collector, clock)
    before = available(session, collector)
    first = payouts.request_payout(
        session, actor=collector, amount=Money(100_00), idempotency_key="k", now=clock.now()
    )
    again = payouts.request_payout(
        session, actor=collector, amount=Money(100_00), idempotency_key="k", now=clock.now()
    )
    assert again.id == first.id
    with pytest.raises(payouts.PayoutKeyReused) as refused:
        payouts.request_payout(
            session, actor=collector, amount=Money(100_01), idempotency_key="k", now=clock.now()
        )
    assert refused.value.code == "payouts.idempotency_key_reused"
    assert available(session, collector) == before - Money(100_00)
    assert len(payouts.payouts_for(session, actor=collector)) == 1
    # Another organisation may use the same key for its own payout.
    with_bank(session, world.collector_b, clock)
    other = payouts.request_payout(
        session, actor=world.collector_b, amount=Money(5_00), idempotency_key="k", now=clock.now()
    )
    assert other.id != first.id


@pytest.mark.parametrize(
    ("amount", "key", "error"),
    [
        (Money(0), "a", payouts.InvalidPayoutAmount),
        (Money(100_000_000_01), "a", payouts.InvalidPayoutAmount),
        (Money(1_00), "", payouts.InvalidIdempotencyKey),
        (Money(1_00), "has space", payouts.InvalidIdempotencyKey),
        (Money(1_000_000_000), "big", payouts.NotEnoughAvailable),
    ],
)
def test_a_bad_withdrawal_is_refused_and_changes_nothing(
    session: Session,
    world: World,
    clock: FrozenClock,
    amount: Money,
    key: str,
    error: type[Exception],
) -> None:
    collector = world.collector_a
    with_bank(session, collector, clock)
    before = available(session, collector)
    with pytest.raises(error) as refused, session.begin_nested():
        payouts.request_payout(
            session, actor=collector, amount=amount, idempotency_key=key, now=clock.now()
        )
    if error is payouts.NotEnoughAvailable:  # in the party's terms: its balance, in yuan
        assert refused.value.context == {
            "available": before.as_decimal_string(),
            "amount": "10000000.00",
        }
    assert available(session, collector) == before
    assert payouts.payouts_for(session, actor=collector) == []


def test_no_bank_account_no_payout_and_bad_details_are_refused(
    session: Session, world: World, clock: FrozenClock
) -> None:
    with pytest.raises(payouts.BankAccountMissing):
        payouts.request_payout(
            session, actor=world.station_a, amount=Money(1_00), idempotency_key="x", now=clock.now()
        )
    with pytest.raises(payouts.InvalidBankAccount):
        payouts.save_bank_account(
            session,
            actor=world.station_a,
            holder="x",
            bank_name="y",
            account_number="12ab",
            now=clock.now(),
        )
    assert payouts.bank_account_for(session, actor=world.station_a) is None
    with pytest.raises(identity.MissingPermission):
        payouts.save_bank_account(
            session,
            actor=world.regulator,
            holder="x",
            bank_name="y",
            account_number="12345678",
            now=clock.now(),
        )


def test_a_batch_is_paid_and_failed_by_the_banks_result_file_once(
    session: Session, world: World, clock: FrozenClock
) -> None:
    operator = world.operator
    a, b = world.collector_a, world.station_a
    for party in (a, b):
        with_bank(session, party, clock)
    before_b = available(session, b)
    pa = payouts.request_payout(
        session, actor=a, amount=Money(120_00), idempotency_key="a1", now=clock.now()
    )
    pb = payouts.request_payout(
        session, actor=b, amount=Money(80_50), idempotency_key="b1", now=clock.now()
    )
    bank_before = ledger.balance(session, ledger.Accounts.BANK)

    batch = payouts.create_batch(session, actor=operator, now=clock.now())
    assert (batch.status, batch.payout_count, batch.total) == ("created", 2, Money(200_50))
    with pytest.raises(payouts.NothingToBatch):
        payouts.create_batch(session, actor=operator, now=clock.now())
    with pytest.raises(payouts.IllegalBatchTransition):
        payouts.import_results(
            session,
            actor=operator,
            batch_id=batch.id,
            text=results(batch.id, (pa.id, "120.00", "paid", "B1", "")),
            now=clock.now(),
        )

    csv_text = payouts.download_batch(session, actor=operator, batch_id=batch.id, now=clock.now())
    lines = csv_text.strip().splitlines()
    assert lines[0] == ",".join(payouts.BATCH_HEADER)
    assert len(lines) == 3
    assert f"{batch.id},{pa.id},{a.organisation_id},王师傅" in lines[1]
    assert "6222021234567890,120.00,CNY" in lines[1]
    assert payouts.batches_for(session, actor=operator)[0].status == "sent"

    file = results(
        batch.id,
        (pa.id, "120.00", "paid", "BANK-77", ""),
        (pb.id, "80.50", "failed", "", "账户已销户"),
    )
    summary = payouts.import_results(
        session, actor=operator, batch_id=batch.id, text=file, now=clock.now()
    )
    assert (summary.confirmed, summary.failed, summary.unchanged) == (1, 1, 0)
    assert summary.batch.status == "settled"
    assert ledger.balance(session, ledger.Accounts.BANK) == bank_before - Money(120_00)
    assert ledger.balance(session, ledger.Accounts.PAYOUTS_IN_TRANSIT) == Money(0)
    assert available(session, b) == before_b
    failed = payouts.get_payout(session, actor=b, payout_id=pb.id)
    assert (failed.status, failed.failure_reason) == ("failed", "账户已销户")

    again = payouts.import_results(
        session, actor=operator, batch_id=batch.id, text=file, now=clock.now()
    )
    assert (again.confirmed, again.failed, again.unchanged) == (0, 0, 2)
    assert ledger.balance(session, ledger.Accounts.BANK) == bank_before - Money(120_00)

    contradicting = results(batch.id, (pa.id, "120.00", "failed", "", "no"))
    with pytest.raises(payouts.ResultConflicts):
        payouts.import_results(
            session, actor=operator, batch_id=batch.id, text=contradicting, now=clock.now()
        )
    report = payouts.reconcile(session, actor=operator)
    assert report.ok, report
    assert {s.status: s.count for s in report.by_status} == {
        "requested": 0,
        "batched": 0,
        "paid": 1,
        "failed": 1,
    }


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("batch_id,payout_id\n1,2\n", "header"),
        ("{header}\n", "no result lines"),
        ("{header}\n{batch},{pa},1.00\n", "each line has"),
        ("{header}\n{batch},x,1.00,paid,,\n", "whole numbers"),
        ("{header}\n{batch},{pa},1.001,paid,,\n", "is not yuan"),
        ("{header}\n{batch},{pa},120.00,lost,,\n", "paid or failed"),
        ("{header}\n{batch},{pa},120.00,failed,,\n", "needs a reason"),
        ("{header}\n{batch},{pa},120.00,paid,,\n{batch},{pa},120.00,paid,,\n", "twice"),
        ("{header}\n{batch},{pa},120.00,paid,{long},\n", "too long"),
        ("{header}\n999,{pa},120.00,paid,,\n", "is not this"),
        ("{header}\n{batch},999999,120.00,paid,,\n", "not in this batch"),
        ("{header}\n{batch},{pa},119.99,paid,,\n", "is not the payout's"),
        (
            "{header}\n{batch},{pa},120.00,paid,R,\n{batch},{pb},80.50,paid,R,\n{batch},{pa}0,1,paid,,\n",
            "not in this batch",
        ),
    ],
)
def test_a_malformed_result_file_is_refused_and_changes_nothing(
    session: Session, world: World, clock: FrozenClock, body: str, reason: str
) -> None:
    operator = world.operator
    for party in (world.collector_a, world.station_a):
        with_bank(session, party, clock)
    pa = payouts.request_payout(
        session, actor=world.collector_a, amount=Money(120_00), idempotency_key="a", now=clock.now()
    )
    pb = payouts.request_payout(
        session, actor=world.station_a, amount=Money(80_50), idempotency_key="b", now=clock.now()
    )
    batch = payouts.create_batch(session, actor=operator, now=clock.now())
    payouts.download_batch(session, actor=operator, batch_id=batch.id, now=clock.now())
    bank_before = ledger.balance(session, ledger.Accounts.BANK)
    text = body.format(
        header=",".join(payouts.RESULT_HEADER), batch=batch.id, pa=pa.id, pb=pb.id, long="R" * 101
    )
    with pytest.raises(payouts.MalformedResultFile) as refused, session.begin_nested():
        payouts.import_results(
            session, actor=operator, batch_id=batch.id, text=text, now=clock.now()
        )
    assert reason in refused.value.detail
    assert "Nothing was changed" in refused.value.detail
    assert ledger.balance(session, ledger.Accounts.BANK) == bank_before
    statuses = {p.status for p in payouts.payouts_for(session, actor=operator)}
    assert statuses == {"batched"}


def test_parties_see_only_their_own_payouts_and_batches_are_for_operators(
    session: Session, world: World, clock: FrozenClock
) -> None:
    with_bank(session, world.collector_a, clock)
    mine = payouts.request_payout(
        session, actor=world.collector_a, amount=Money(1_00), idempotency_key="m", now=clock.now()
    )
    with pytest.raises(payouts.PayoutNotFound):
        payouts.get_payout(session, actor=world.collector_b, payout_id=mine.id)
    with pytest.raises(payouts.PayoutNotFound):
        payouts.get_payout(session, actor=world.regulator, payout_id=mine.id)
    with pytest.raises(payouts.PayoutNotFound):
        payouts.get_payout(session, actor=world.operator, payout_id=987_654)
    assert payouts.get_payout(session, actor=world.operator, payout_id=mine.id).id == mine.id
    assert payouts.payouts_for(session, actor=world.collector_b) == []
    with pytest.raises(identity.MissingPermission):
        payouts.payouts_for(session, actor=world.regulator)
    with pytest.raises(identity.MissingPermission):
        payouts.create_batch(session, actor=world.collector_a, now=clock.now())
    with pytest.raises(payouts.BatchNotFound):
        payouts.download_batch(session, actor=world.operator, batch_id=987_654, now=clock.now())


def test_the_money_report_shows_fees_the_guarantee_fund_and_a_clean_ledger(
    session: Session, world: World, clock: FrozenClock
) -> None:
    ledger.post_entry(
        session,
        entry=ledger.JournalEntry(
            idempotency_key="fund-1",
            occurred_at=clock.now(),
            description="Guarantee fund paid in",
            source="guarantee",
            lines=ledger.transfer(
                payer=ledger.Accounts.party(world.plant_a.organisation_id),
                payee=ledger.Accounts.GUARANTEE_FUND,
                amount=Money(500_00),
            ),
        ),
    )
    report = payouts.money_report(session, actor=world.operator)
    assert report.guarantee.fund == Money(500_00)
    assert report.guarantee.paid_in == Money(500_00)
    assert report.ledger.ok
    statement = payouts.statement_for(session, actor=world.plant_a)
    assert set(statement.balances) == set(ledger.PARTY_KINDS)
    with pytest.raises(identity.MissingPermission):
        payouts.money_report(session, actor=world.plant_a)
