"""Payouts: the state tables, bank account checks, the bank batch file and the result file.

Pure: no database, no framework. A payout moves a party's money from its available balance
to the platform's payouts-in-transit account when requested; an operator gathers requested
payouts into a bank batch (CSV); the bank's result file confirms each payout (the money
leaves to the bank) or fails it (the money returns to the party).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ewaste.kernel.digits import is_digits
from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from ewaste.kernel.money import Money


class PayoutStatus(StrEnum):
    """Where a withdrawal is."""

    REQUESTED = "requested"
    BATCHED = "batched"
    PAID = "paid"
    FAILED = "failed"


class PayoutEvent(StrEnum):
    """What happens to a withdrawal."""

    BATCH = "batch"
    CONFIRM = "confirm"
    FAIL = "fail"


PAYOUT_TRANSITIONS: Final[Mapping[tuple[PayoutStatus, PayoutEvent], PayoutStatus]] = {
    (PayoutStatus.REQUESTED, PayoutEvent.BATCH): PayoutStatus.BATCHED,
    (PayoutStatus.BATCHED, PayoutEvent.CONFIRM): PayoutStatus.PAID,
    (PayoutStatus.BATCHED, PayoutEvent.FAIL): PayoutStatus.FAILED,
}


class BatchStatus(StrEnum):
    """Where a bank batch is."""

    CREATED = "created"
    SENT = "sent"
    SETTLED = "settled"


class BatchEvent(StrEnum):
    """What happens to a bank batch."""

    DOWNLOAD = "download"
    SETTLE = "settle"


BATCH_TRANSITIONS: Final[Mapping[tuple[BatchStatus, BatchEvent], BatchStatus]] = {
    (BatchStatus.CREATED, BatchEvent.DOWNLOAD): BatchStatus.SENT,
    (BatchStatus.SENT, BatchEvent.SETTLE): BatchStatus.SETTLED,
}


class IllegalPayoutTransition(IllegalTransition):
    """A payout was asked to move in a way its table does not allow."""

    code = "payouts.illegal_payout_transition"
    message = "Cannot {event} a payout that is {current}."


class IllegalBatchTransition(IllegalTransition):
    """A bank batch was asked to move in a way its table does not allow."""

    code = "payouts.illegal_batch_transition"
    message = "Cannot {event} a bank batch that is {current}."


class PayoutNotFound(NotFound):
    """No payout with this id (or not visible to the actor)."""

    code = "payouts.payout_not_found"
    message = "Payout {payout_id} not found."


class BatchNotFound(NotFound):
    """No bank batch with this id."""

    code = "payouts.batch_not_found"
    message = "Bank batch {batch_id} not found."


class NotEnoughAvailable(Conflict):
    """A withdrawal above the party's available balance (nothing is written)."""

    code = "payouts.not_enough_available"
    message = "You have {available} yuan available; you cannot withdraw {amount} yuan."


class BankAccountMissing(Conflict):
    """The organisation has no bank account to pay to."""

    code = "payouts.bank_account_missing"
    message = "Add a bank account before asking for a payout."


class InvalidBankAccount(InvalidInput):
    """Bank account details that cannot be paid to."""

    code = "payouts.invalid_bank_account"
    message = "Bank account not valid: {reason}."


class InvalidPayoutAmount(InvalidInput):
    """A payout of zero, a negative amount, or more than one payout may carry."""

    code = "payouts.invalid_amount"
    message = "A payout must be between 0.01 and {maximum} yuan."


class InvalidIdempotencyKey(InvalidInput):
    """An idempotency key that is empty, too long or has characters other than printable ASCII."""

    code = "payouts.invalid_idempotency_key"
    message = "An idempotency key is 1 to 100 printable ASCII characters."


class PayoutKeyReused(Conflict):
    """The idempotency key was already used by this organisation for a different payout."""

    code = "payouts.idempotency_key_reused"
    message = "The key {key!r} was already used for a different payout request."


class NothingToBatch(Conflict):
    """No requested payout is waiting for a bank batch."""

    code = "payouts.nothing_to_batch"
    message = "No payout is waiting for a bank batch."


class MalformedResultFile(InvalidInput):
    """The bank's result file cannot be read or does not match the batch; nothing is changed."""

    code = "payouts.malformed_result_file"
    message = "Result file refused, line {line}: {reason}. Nothing was changed."


class ResultConflicts(Conflict):
    """A result contradicts the result already recorded for the payout."""

    code = "payouts.result_conflicts"
    message = "Payout {payout_id} is already {current}; the file says {outcome}. Nothing changed."


MAX_PAYOUT: Final = Money(100_000_000_00)
"""One payout carries at most ¥100,000,000 (an amount column and a bank's own limit)."""
RESULT_HEADER: Final = ("batch_id", "payout_id", "amount", "result", "bank_reference", "reason")
BATCH_HEADER: Final = (
    "batch_id",
    "payout_id",
    "organisation_id",
    "account_holder",
    "bank_name",
    "account_number",
    "amount",
    "currency",
    "reference",
)
MAX_RESULT_LINES: Final = 100_000
_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
_ACCOUNT_NUMBER = re.compile(r"^[0-9]{8,30}$")
_AMOUNT = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")


class Outcome(StrEnum):
    """The bank's answer for one payout."""

    PAID = "paid"
    FAILED = "failed"


def next_payout_status(current: PayoutStatus, event: PayoutEvent) -> PayoutStatus:
    """The status after `event`, or raise IllegalPayoutTransition."""
    try:
        return PAYOUT_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalPayoutTransition(event=event.value, current=current.value) from None


def next_batch_status(current: BatchStatus, event: BatchEvent) -> BatchStatus:
    """The status after `event`, or raise IllegalBatchTransition."""
    try:
        return BATCH_TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalBatchTransition(event=event.value, current=current.value) from None


@dataclass(frozen=True, slots=True)
class BankDetails:
    """Where a party is paid: holder, bank and account number (digits only)."""

    holder: str
    bank_name: str
    account_number: str


def check_bank_details(holder: str, bank_name: str, account_number: str) -> BankDetails:
    """Trim and check the details; spaces and dashes in the number are dropped.

    Raises InvalidBankAccount (empty or over-long names, a number that is not 8-30 digits).
    """
    holder, bank_name = holder.strip(), bank_name.strip()
    number = re.sub(r"[\s-]", "", account_number)
    if not 1 <= len(holder) <= 100:
        raise InvalidBankAccount(reason="the holder's name is 1 to 100 characters")
    if not 1 <= len(bank_name) <= 100:
        raise InvalidBankAccount(reason="the bank's name is 1 to 100 characters")
    if not _ACCOUNT_NUMBER.match(number):
        raise InvalidBankAccount(reason="the account number is 8 to 30 digits")
    return BankDetails(holder, bank_name, number)


def mask_account_number(number: str) -> str:
    """The number as shown to people: only its last four digits."""
    return "•••• " + number[-4:]


def check_payout_amount(amount: Money) -> None:
    """Raise InvalidPayoutAmount unless 0 < amount <= MAX_PAYOUT (in CNY)."""
    if amount.currency != MAX_PAYOUT.currency or not 0 < amount.minor <= MAX_PAYOUT.minor:
        raise InvalidPayoutAmount(maximum=MAX_PAYOUT.as_decimal_string())


def check_idempotency_key(key: str) -> str:
    """The key if it is 1-100 printable ASCII characters, else InvalidIdempotencyKey."""
    if not _KEY.match(key):
        raise InvalidIdempotencyKey
    return key


def request_fingerprint(amount: Money) -> str:
    """A digest of what a payout request asks for, to tell a replay from a reused key."""
    return hashlib.sha256(f"payout|{amount.minor}|{amount.currency.value}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BatchLine:
    """One payout as the bank receives it."""

    batch_id: int
    payout_id: int
    organisation_id: int
    details: BankDetails
    amount: Money


def batch_csv(lines: Sequence[BatchLine]) -> str:
    """The bank batch file: a header and one line per payout, amounts in yuan."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BATCH_HEADER)
    for line in lines:
        writer.writerow(
            (
                line.batch_id,
                line.payout_id,
                line.organisation_id,
                _cell(line.details.holder),
                _cell(line.details.bank_name),
                line.details.account_number,
                line.amount.as_decimal_string(),
                line.amount.currency.value,
                f"EW-PAYOUT-{line.payout_id}",
            )
        )
    return out.getvalue()


def _cell(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet; the bank's clerk may open it.
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


@dataclass(frozen=True, slots=True)
class ResultLine:
    """One line of the bank's result file."""

    line: int
    batch_id: int
    payout_id: int
    amount: Money
    outcome: Outcome
    bank_reference: str
    reason: str


def parse_result_file(text: str) -> list[ResultLine]:
    """Read the bank's result file: RESULT_HEADER, then one line per payout.

    Raises MalformedResultFile naming the first bad line: a wrong header, a line with the
    wrong number of cells, an id or amount that is not a number, an unknown result, a
    failure without a reason, a payout named twice, or no line at all.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or tuple(cell.strip() for cell in rows[0]) != RESULT_HEADER:
        raise MalformedResultFile(line=1, reason="the header must be " + ",".join(RESULT_HEADER))
    if len(rows) > MAX_RESULT_LINES + 1:
        raise MalformedResultFile(line=MAX_RESULT_LINES + 2, reason="too many lines")
    results: list[ResultLine] = []
    seen: set[int] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        result = _result_line(number, row)
        if result.payout_id in seen:
            raise MalformedResultFile(line=number, reason="the same payout appears twice")
        seen.add(result.payout_id)
        results.append(result)
    if not results:
        raise MalformedResultFile(line=2, reason="no result lines")
    return results


def _result_line(number: int, row: Sequence[str]) -> ResultLine:
    if len(row) != len(RESULT_HEADER):
        raise MalformedResultFile(
            line=number,
            reason="each line has batch_id,payout_id,amount,result,bank_reference,reason",
        )
    batch, payout, amount, result, reference, reason = (cell.strip() for cell in row)
    if not (is_digits(batch) and is_digits(payout) and len(batch) < 10 and len(payout) < 10):
        raise MalformedResultFile(line=number, reason="batch_id and payout_id are whole numbers")
    if not _AMOUNT.match(amount):
        raise MalformedResultFile(line=number, reason="the amount is not yuan (such as 12.50)")
    money = Money.parse(amount)
    if result not in {o.value for o in Outcome}:
        raise MalformedResultFile(line=number, reason="result is paid or failed")
    if result == Outcome.FAILED and not reason:
        raise MalformedResultFile(line=number, reason="a failed payout needs a reason")
    if len(reference) > 100 or len(reason) > 200:
        raise MalformedResultFile(line=number, reason="bank_reference or reason too long")
    return ResultLine(number, int(batch), int(payout), money, Outcome(result), reference, reason)
