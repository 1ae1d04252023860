"""Payout rules: both state tables walked pair by pair, bank details, keys, files."""

from __future__ import annotations

import itertools

import pytest

from ewaste.kernel.money import Money
from ewaste.payouts import rules
from ewaste.payouts.rules import (
    BATCH_TRANSITIONS,
    PAYOUT_TRANSITIONS,
    BatchEvent,
    BatchStatus,
    PayoutEvent,
    PayoutStatus,
)


@pytest.mark.parametrize(("state", "event"), list(itertools.product(PayoutStatus, PayoutEvent)))
def test_every_payout_state_and_event(state: PayoutStatus, event: PayoutEvent) -> None:
    if (state, event) in PAYOUT_TRANSITIONS:
        assert rules.next_payout_status(state, event) is PAYOUT_TRANSITIONS[(state, event)]
    else:
        with pytest.raises(rules.IllegalPayoutTransition):
            rules.next_payout_status(state, event)


@pytest.mark.parametrize(("state", "event"), list(itertools.product(BatchStatus, BatchEvent)))
def test_every_batch_state_and_event(state: BatchStatus, event: BatchEvent) -> None:
    if (state, event) in BATCH_TRANSITIONS:
        assert rules.next_batch_status(state, event) is BATCH_TRANSITIONS[(state, event)]
    else:
        with pytest.raises(rules.IllegalBatchTransition):
            rules.next_batch_status(state, event)


def test_bank_details_are_trimmed_and_checked() -> None:
    details = rules.check_bank_details(" 李四 ", " 建设银行 ", "6217-0000 1234 5678")
    assert details == rules.BankDetails("李四", "建设银行", "6217000012345678")
    assert rules.mask_account_number(details.account_number) == "•••• 5678"
    for holder, bank, number, reason in (
        ("", "b", "12345678", "holder"),
        ("h", "", "12345678", "bank"),
        ("h", "b", "1234567", "account number"),
        ("h", "b", "１２３４５６７８９", "account number"),  # full-width: no bank reads it
        ("h", "b", "١٢٣٤٥٦٧٨٩", "account number"),
    ):
        with pytest.raises(rules.InvalidBankAccount) as refused:
            rules.check_bank_details(holder, bank, number)
        assert reason in refused.value.detail


def test_amounts_and_keys() -> None:
    rules.check_payout_amount(Money(1))
    rules.check_payout_amount(rules.MAX_PAYOUT)
    for amount in (Money(0), Money(-1), rules.MAX_PAYOUT + Money(1)):
        with pytest.raises(rules.InvalidPayoutAmount):
            rules.check_payout_amount(amount)
    assert rules.check_idempotency_key("order-1:a") == "order-1:a"
    for key in ("", "x" * 101, "中文", "a b"):
        with pytest.raises(rules.InvalidIdempotencyKey):
            rules.check_idempotency_key(key)
    assert rules.request_fingerprint(Money(1)) != rules.request_fingerprint(Money(2))


def test_the_batch_file_has_one_line_per_payout_and_no_spreadsheet_formulas() -> None:
    text = rules.batch_csv(
        [
            rules.BatchLine(
                3, 7, 9, rules.BankDetails("=HYPERLINK()", "银行", "12345678"), Money(150)
            ),
            rules.BatchLine(3, 8, 9, rules.BankDetails("王", "银行", "87654321"), Money(2_00)),
        ]
    )
    assert text.splitlines() == [
        ",".join(rules.BATCH_HEADER),
        "3,7,9,'=HYPERLINK(),银行,12345678,1.50,CNY,EW-PAYOUT-7",
        "3,8,9,王,银行,87654321,2.00,CNY,EW-PAYOUT-8",
    ]


def test_a_result_file_is_read_line_by_line() -> None:
    header = ",".join(rules.RESULT_HEADER)
    parsed = rules.parse_result_file(
        f"\ufeff{header}\n4,7,1.50,paid,B-1,\n\n4,8,2,failed,,closed account\n"
    )
    assert [(r.line, r.payout_id, r.amount, r.outcome) for r in parsed] == [
        (2, 7, Money(150), rules.Outcome.PAID),
        (4, 8, Money(200), rules.Outcome.FAILED),
    ]
    assert parsed[1].reason == "closed account"
    with pytest.raises(rules.MalformedResultFile):
        rules.parse_result_file("")
    for line in ("4,²,1.50,paid,B,", "²,7,1.50,paid,B,", "4,7,１.50,paid,B,"):
        with pytest.raises(rules.MalformedResultFile):  # refused, never a crash
            rules.parse_result_file(f"{header}\n{line}\n")
    too_many = header + "\n" + "4,7,1.50,paid,B,\n" * (rules.MAX_RESULT_LINES + 1)
    with pytest.raises(rules.MalformedResultFile) as refused:
        rules.parse_result_file(too_many)
    assert "too many lines" in refused.value.detail
