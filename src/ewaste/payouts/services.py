"""Payout use cases: bank accounts, withdrawals, bank batches, result files, reconciliation.

Ledger entries (ADR 0017; `transit` is `platform:payouts-in-transit`):

- a party withdraws, `payout:<id>:requested`: party available -> transit;
- a household is paid directly at the door, `payout:<id>:requested`: the collector's
  available -> transit;
- the bank confirms, `payout:<id>:paid`: transit -> `platform:bank` (the money left);
- the bank fails it, `payout:<id>:failed`: transit -> the payee's available.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import ledger
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money
from ewaste.payouts import rules
from ewaste.payouts.access import access_batch, access_payout
from ewaste.payouts.models import BankAccount, Payout, PayoutBatch
from ewaste.payouts.queries import (
    BankAccountView,
    BatchView,
    PayoutView,
    StatusTotal,
    bank_account_view,
    batch_view,
    batches_without_results,
    payout_states,
    payout_view,
    totals_by_status,
)
from ewaste.payouts.repository import PayoutRepository
from ewaste.payouts.rules import (
    BankAccountMissing,
    BatchEvent,
    BatchStatus,
    IllegalBatchTransition,
    MalformedResultFile,
    NothingToBatch,
    Outcome,
    PayoutEvent,
    PayoutKeyReused,
    PayoutStatus,
    ResultConflicts,
)

BATCH_LIMIT = 5_000
"""At most this many payouts go into one bank batch (older ones first)."""


def save_bank_account(
    session: Session,
    *,
    actor: Actor,
    holder: str,
    bank_name: str,
    account_number: str,
    now: datetime,
) -> BankAccountView:
    """Give or replace the actor's organisation's bank account.

    Payouts already requested keep the details they were requested with. Raises
    MissingPermission, InvalidBankAccount.
    """
    actor.require(Permission.PARTY_PAYOUT_REQUEST)
    details = rules.check_bank_details(holder, bank_name, account_number)
    repo = PayoutRepository(session)
    account = repo.bank_account(actor.organisation_id)
    if account is None:
        account = BankAccount(organisation_id=actor.organisation_id)
        _fill(account, details, now)
        repo.add_bank_account(account)
    else:
        _fill(account, details, now)
        repo.flush()
    return bank_account_view(account)


def _fill(account: BankAccount, details: rules.BankDetails, now: datetime) -> None:
    account.holder = details.holder
    account.bank_name = details.bank_name
    account.account_number = details.account_number
    account.updated_at = now


def bank_account_for(session: Session, *, actor: Actor) -> BankAccountView | None:
    """The actor's organisation's bank account (masked), if it gave one. MissingPermission."""
    actor.require(Permission.PARTY_ACCOUNT_READ)
    account = PayoutRepository(session).bank_account(actor.organisation_id)
    return None if account is None else bank_account_view(account)


def request_payout(
    session: Session, *, actor: Actor, amount: Money, idempotency_key: str, now: datetime
) -> PayoutView:
    """Withdraw `amount` of the actor's organisation's available balance to its bank account.

    The money moves to payouts in transit at once; the payout waits for a bank batch. The
    same key again answers the payout it made (one effect, also when both requests run at
    once); the same key for another amount raises PayoutKeyReused. Raises
    MissingPermission, InvalidIdempotencyKey, InvalidPayoutAmount, BankAccountMissing,
    InsufficientFunds (nothing is written).
    """
    actor.require(Permission.PARTY_PAYOUT_REQUEST)
    rules.check_idempotency_key(idempotency_key)
    rules.check_payout_amount(amount)
    try:
        return _create_payout(
            session,
            payee_id=actor.organisation_id,
            payer=ledger.Accounts.party(actor.organisation_id),
            amount=amount,
            key=idempotency_key,
            source="withdrawal",
            entry_source=f"payout:{actor.organisation_id}",
            actor_id=actor.user_id,
            now=now,
        )
    except ledger.InsufficientFunds as short:  # say it in the party's terms: yuan, its balance
        available = Money(amount.minor + int(short.context["balance"]))
        raise rules.NotEnoughAvailable(
            available=available.as_decimal_string(), amount=amount.as_decimal_string()
        ) from short


def pay_household_at_door(
    session: Session,
    *,
    collector_id: int,
    household_id: int,
    amount: Money,
    pickup_id: int,
    actor_id: int,
    now: datetime,
) -> PayoutView:
    """Pay a household straight to its bank account for a door collection, charged to the
    collector's available balance (the platform pays; the collector bought the items).

    Called by `orders.collect_pickup` in its transaction; once per pickup. Raises
    BankAccountMissing (the household gave none), InvalidPayoutAmount, InsufficientFunds.
    """
    rules.check_payout_amount(amount)
    return _create_payout(
        session,
        payee_id=household_id,
        payer=ledger.Accounts.party(collector_id),
        amount=amount,
        key=f"door:pickup:{pickup_id}",
        source=f"door:pickup:{pickup_id}",
        entry_source=f"pickup:{pickup_id}",
        actor_id=actor_id,
        now=now,
    )


def _create_payout(
    session: Session,
    *,
    payee_id: int,
    payer: ledger.AccountRef,
    amount: Money,
    key: str,
    source: str,
    entry_source: str,
    actor_id: int,
    now: datetime,
) -> PayoutView:
    repo = PayoutRepository(session)
    fingerprint = rules.request_fingerprint(amount)
    existing = repo.payout_by_key(payee_id, key)
    if existing is not None:
        return _replay(existing, fingerprint, key)
    account = repo.bank_account(payee_id)
    if account is None:
        raise BankAccountMissing
    payout = repo.insert_payout(
        Payout(
            organisation_id=payee_id,
            amount_fen=amount.minor,
            idempotency_key=key,
            request_fingerprint=fingerprint,
            holder=account.holder,
            bank_name=account.bank_name,
            account_number=account.account_number,
            status=PayoutStatus.REQUESTED.value,
            source=source,
            requested_at=now,
        )
    )
    if payout is None:
        # The same key was requested concurrently and committed first: answer with that one.
        winner = repo.payout_by_key(payee_id, key)
        if winner is None:  # only a snapshot older than READ COMMITTED could miss it
            raise RuntimeError(f"payout {key!r} conflicts but is not visible")
        return _replay(winner, fingerprint, key)
    repo.add_payout_change(payout, "", "request", actor_id=actor_id, now=now)
    ledger.post_entry(
        session,
        entry=ledger.JournalEntry(
            idempotency_key=f"payout:{payout.id}:requested",
            occurred_at=now,
            description=f"Payout {payout.id} requested to the bank account",
            source=entry_source,
            lines=ledger.transfer(
                payer=payer, payee=ledger.Accounts.PAYOUTS_IN_TRANSIT, amount=amount
            ),
        ),
    )
    return payout_view(payout)


def _replay(existing: Payout, fingerprint: str, key: str) -> PayoutView:
    if existing.request_fingerprint != fingerprint:
        raise PayoutKeyReused(key=key)
    return payout_view(existing)


def get_payout(session: Session, *, actor: Actor, payout_id: int) -> PayoutView:
    """One payout, if the actor may see it; otherwise PayoutNotFound."""
    return payout_view(access_payout(session, actor=actor, payout_id=payout_id))


def payouts_for(
    session: Session, *, actor: Actor, status: str | None = None, limit: int = 200
) -> list[PayoutView]:
    """Payouts newest first: every payout for operators, the organisation's own otherwise.

    Raises MissingPermission for roles that hold no account (regulators).
    """
    if actor.can(Permission.STAFF_PAYOUT_MANAGE):
        owner = None
    else:
        actor.require(Permission.PARTY_ACCOUNT_READ)
        owner = actor.organisation_id
    rows = PayoutRepository(session).payouts(organisation_id=owner, status=status, limit=limit)
    return [payout_view(p) for p in rows]


def create_batch(session: Session, *, actor: Actor, now: datetime) -> BatchView:
    """Gather the requested payouts (oldest first, at most BATCH_LIMIT) into a bank batch.

    Raises MissingPermission, NothingToBatch. Payouts another operator is batching at the
    same moment are skipped, never taken twice.
    """
    actor.require(Permission.STAFF_PAYOUT_MANAGE)
    repo = PayoutRepository(session)
    payouts = repo.claim_requested(limit=BATCH_LIMIT)
    if not payouts:
        raise NothingToBatch
    batch = PayoutBatch(
        status=BatchStatus.CREATED.value,
        payout_count=len(payouts),
        total_fen=sum(p.amount_fen for p in payouts),
        created_by=actor.user_id,
        created_at=now,
    )
    repo.add_batch(batch)
    repo.add_batch_change(batch, "", "create", actor_id=actor.user_id, now=now)
    for payout in payouts:
        before, _ = payout.apply(PayoutEvent.BATCH)
        payout.batch_id = batch.id
        repo.add_payout_change(payout, before, PayoutEvent.BATCH, actor_id=actor.user_id, now=now)
    repo.flush()
    return batch_view(batch)


def batches_for(session: Session, *, actor: Actor, limit: int = 50) -> list[BatchView]:
    """Bank batches newest first, for operators. MissingPermission."""
    actor.require(Permission.STAFF_PAYOUT_MANAGE)
    return [batch_view(b) for b in PayoutRepository(session).batches(limit=limit)]


def download_batch(session: Session, *, actor: Actor, batch_id: int, now: datetime) -> str:
    """The bank batch file (CSV, one line per payout, full account numbers for the bank).

    The first download marks the batch sent; later downloads give the same file. Raises
    MissingPermission, BatchNotFound.
    """
    batch = access_batch(session, actor=actor, batch_id=batch_id, for_update=True)
    repo = PayoutRepository(session)
    if batch.status == BatchStatus.CREATED:
        before, _ = batch.apply(BatchEvent.DOWNLOAD)
        repo.add_batch_change(batch, before, BatchEvent.DOWNLOAD, actor_id=actor.user_id, now=now)
        repo.flush()
    lines = [
        rules.BatchLine(
            batch.id,
            p.id,
            p.organisation_id,
            rules.BankDetails(p.holder, p.bank_name, p.account_number),
            Money(p.amount_fen),
        )
        for p in repo.payouts_in_batch(batch.id)
    ]
    return rules.batch_csv(lines)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What a result file changed: payouts confirmed, failed, and already so (a re-import)."""

    batch: BatchView
    confirmed: int
    failed: int
    unchanged: int


def import_results(
    session: Session, *, actor: Actor, batch_id: int, text: str, now: datetime
) -> ImportSummary:
    """Apply the bank's result file to a sent batch: confirm or fail each payout named.

    Every line is checked before anything changes: the file's batch, each payout in it,
    its amount, and no result contradicting one already recorded. Importing the same file
    again changes nothing. The batch is settled once every payout has a result. Raises
    MissingPermission, BatchNotFound, IllegalBatchTransition (batch not downloaded yet),
    MalformedResultFile, ResultConflicts.
    """
    batch = access_batch(session, actor=actor, batch_id=batch_id, for_update=True)
    if batch.status == BatchStatus.CREATED:
        raise IllegalBatchTransition(event="import results into", current=batch.status)
    results = rules.parse_result_file(text)
    repo = PayoutRepository(session)
    payouts = {p.id: p for p in repo.payouts_in_batch(batch.id, for_update=True)}
    todo: list[tuple[Payout, rules.ResultLine]] = []
    for result in results:
        payout = _check_result(batch.id, payouts, result)
        if payout is not None:
            todo.append((payout, result))
    counts = {Outcome.PAID: 0, Outcome.FAILED: 0}
    # Every account the entries touch is locked once, in id order, before any is written:
    # locking them entry by entry would take them out of order across entries and deadlock
    # with parties withdrawing at the same moment (found by the crash test).
    money = ledger.PostingBatch(
        session,
        accounts=[
            ledger.Accounts.PAYOUTS_IN_TRANSIT,
            ledger.Accounts.BANK,
            *(ledger.Accounts.party(p.organisation_id) for p, _ in todo),
        ],
        now=now,
    )
    for payout, result in todo:
        _settle(money, repo, payout, result, actor_id=actor.user_id, now=now)
        counts[result.outcome] += 1
    money.flush()
    if batch.status == BatchStatus.SENT and all(
        p.status in {PayoutStatus.PAID, PayoutStatus.FAILED} for p in payouts.values()
    ):
        before, _ = batch.apply(BatchEvent.SETTLE)
        repo.add_batch_change(batch, before, BatchEvent.SETTLE, actor_id=actor.user_id, now=now)
    repo.flush()
    return ImportSummary(
        batch_view(batch), counts[Outcome.PAID], counts[Outcome.FAILED], len(results) - len(todo)
    )


_FINAL = {Outcome.PAID: PayoutStatus.PAID, Outcome.FAILED: PayoutStatus.FAILED}


def _check_result(
    batch_id: int, payouts: dict[int, Payout], result: rules.ResultLine
) -> Payout | None:
    """The payout the line settles, None when it already has this result; else raise."""
    if result.batch_id != batch_id:
        raise MalformedResultFile(line=result.line, reason="the batch_id is not this batch's")
    payout = payouts.get(result.payout_id)
    if payout is None:
        raise MalformedResultFile(line=result.line, reason="the payout is not in this batch")
    if result.amount.minor != payout.amount_fen:
        raise MalformedResultFile(line=result.line, reason="the amount is not the payout's")
    if payout.status == _FINAL[result.outcome]:
        return None
    if payout.status != PayoutStatus.BATCHED:
        raise ResultConflicts(
            payout_id=payout.id, current=payout.status, outcome=result.outcome.value
        )
    return payout


def _settle(
    money: ledger.PostingBatch,
    repo: PayoutRepository,
    payout: Payout,
    result: rules.ResultLine,
    *,
    actor_id: int,
    now: datetime,
) -> None:
    amount = Money(payout.amount_fen)
    transit = ledger.Accounts.PAYOUTS_IN_TRANSIT
    if result.outcome is Outcome.PAID:
        event, to = PayoutEvent.CONFIRM, ledger.Accounts.BANK
        payout.bank_reference = result.bank_reference
    else:
        event, to = PayoutEvent.FAIL, ledger.Accounts.party(payout.organisation_id)
        payout.failure_reason = result.reason
    before, _ = payout.apply(event)
    payout.settled_at = now
    repo.add_payout_change(payout, before, event, actor_id=actor_id, now=now)
    money.post(
        ledger.JournalEntry(
            idempotency_key=f"payout:{payout.id}:{payout.status}",
            occurred_at=now,
            description=f"Payout {payout.id} {payout.status} by the bank",
            source=f"payout:{payout.organisation_id}",
            lines=(ledger.debit(transit, amount), ledger.credit(to, amount)),
        )
    )


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The ledger against payouts and bank results; `ok` when nothing disagrees."""

    by_status: Sequence[StatusTotal]
    in_transit_ledger: Money
    in_transit_payouts: Money
    missing_entries: Sequence[str]
    unexpected_entries: Sequence[str]
    batches_awaiting_results: Sequence[BatchView]
    ledger: ledger.LedgerCheck

    @property
    def ok(self) -> bool:
        """True when balances, entries and payouts all agree."""
        return (
            self.in_transit_ledger == self.in_transit_payouts
            and not self.missing_entries
            and not self.unexpected_entries
            and self.ledger.ok
        )


_EXPECTED = {
    PayoutStatus.REQUESTED: ("requested",),
    PayoutStatus.BATCHED: ("requested",),
    PayoutStatus.PAID: ("requested", "paid"),
    PayoutStatus.FAILED: ("requested", "failed"),
}


def reconcile(session: Session, *, actor: Actor) -> Reconciliation:
    """Compare every payout with its ledger entries, payouts in transit with the open payouts,
    and every balance row with its lines. MissingPermission (operators only)."""
    actor.require(Permission.STAFF_LEDGER_READ)
    keys = ledger.entry_keys_with_prefix(session, "payout:")
    expected: set[str] = set()
    open_fen = 0
    for payout_id, status, amount_fen in payout_states(session):
        expected.update(f"payout:{payout_id}:{step}" for step in _EXPECTED[PayoutStatus(status)])
        if status in {PayoutStatus.REQUESTED, PayoutStatus.BATCHED}:
            open_fen += amount_fen
    return Reconciliation(
        by_status=totals_by_status(session),
        in_transit_ledger=ledger.balance(session, ledger.Accounts.PAYOUTS_IN_TRANSIT),
        in_transit_payouts=Money(open_fen),
        missing_entries=sorted(expected - keys),
        unexpected_entries=sorted(keys - expected),
        batches_awaiting_results=batches_without_results(session),
        ledger=ledger.check_ledger(session),
    )
