"""Posting and reversing journal entries: the only writers of the ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Currency, Money
from ewaste.ledger import rules
from ewaste.ledger.models import Account, JournalEntryRow
from ewaste.ledger.queries import (
    EntryLineRow,
    LedgerCheck,
    balance,
    check_ledger,
    entries_with_source_prefix,
    party_balances,
    statement,
)
from ewaste.ledger.repository import LedgerRepository
from ewaste.ledger.rules import (
    AccountRef,
    AlreadyReversed,
    EntryNotFound,
    IdempotencyKeyReused,
    InsufficientFunds,
    JournalEntry,
    Line,
    Side,
)


def ensure_account(session: Session, *, ref: AccountRef, now: datetime) -> Account:
    """Return the account named by `ref`, creating it on first use."""
    repo = LedgerRepository(session)
    account = repo.account_by_code(ref.code)
    if account is not None:
        return account
    account = Account(
        code=ref.code,
        kind=ref.kind.value,
        owner_id=ref.owner_id,
        may_go_negative=rules.MAY_GO_NEGATIVE[ref.kind],
        created_at=now,
    )
    try:
        with session.begin_nested():
            repo.add_account(account)
    except IntegrityError:
        # Another transaction created it between our read and our insert.
        existing = repo.account_by_code(ref.code)
        assert existing is not None
        return existing
    return account


def post_entry(session: Session, *, entry: JournalEntry) -> JournalEntryRow:
    """Append a balanced entry, or return the entry already posted under its key.

    Raises IdempotencyKeyReused when the key was used for different lines, and
    InsufficientFunds when an account that may not go negative would. Runs inside
    the caller's transaction; locks the touched accounts in id order on PostgreSQL.
    """
    return _post(session, entry=entry, reverses=None)


def reverse_entry(
    session: Session, *, entry_id: int, reason: str, now: datetime
) -> JournalEntryRow:
    """Post the mirror image of an entry; the original stays untouched.

    Raises EntryNotFound, AlreadyReversed (a second reversal of the same entry).
    """
    repo = LedgerRepository(session)
    original = repo.entry(entry_id)
    if original is None:
        raise EntryNotFound(entry_id=entry_id)
    if repo.reversal_of(entry_id) is not None:
        raise AlreadyReversed(entry_id=entry_id)
    lines = tuple(
        Line(
            AccountRef(account.code, rules.AccountKind(account.kind), account.owner_id),
            Side(line.side),
            Money(line.amount_minor, Currency(line.currency)),
        )
        for line, account in repo.lines_of(entry_id)
    )
    reversal = JournalEntry(
        idempotency_key=f"reversal:{entry_id}",
        occurred_at=now,
        description=f"Reversal of entry {entry_id}: {reason}"[:300],
        source=original.source,
        lines=rules.reversal_lines(lines),
    )
    return _post(session, entry=reversal, reverses=entry_id)


def _post(session: Session, *, entry: JournalEntry, reverses: int | None) -> JournalEntryRow:
    repo = LedgerRepository(session)
    fingerprint = entry.fingerprint()
    existing = repo.entry_by_key(entry.idempotency_key)
    if existing is not None:
        return _replay(existing, fingerprint, entry.idempotency_key)
    codes = sorted({line.account.code for line in entry.lines})
    held = repo.accounts_for_posting(codes)
    if len(held) < len(codes):
        for line in entry.lines:
            if line.account.code not in held:
                ensure_account(session, ref=line.account, now=entry.occurred_at)
        held = repo.accounts_for_posting(codes)
    sums = _check_funds(held, entry)
    row = repo.add_entry(
        JournalEntryRow(
            idempotency_key=entry.idempotency_key,
            fingerprint=fingerprint,
            occurred_at=entry.occurred_at,
            description=entry.description[:300],
            source=entry.source[:120],
            reverses_entry_id=reverses,
        )
    )
    if row is None:
        # The same key was posted concurrently and committed first: answer with that one.
        winner = repo.entry_by_key(entry.idempotency_key)
        if winner is None:
            # Only a snapshot older than the winner's commit could miss it (not READ COMMITTED).
            raise RuntimeError(f"entry {entry.idempotency_key!r} conflicts but is not visible")
        return _replay(winner, fingerprint, entry.idempotency_key)
    repo.add_lines(
        [
            (
                row.id,
                held[line.account.code][0].id,
                line.side.value,
                line.amount.minor,
                line.amount.currency.value,
            )
            for line in entry.lines
        ]
    )
    _add_to_balances(repo, sums)
    return row


def _add_to_balances(repo: LedgerRepository, sums: dict[int, tuple[int, int]]) -> None:
    """Add the sums to the balance rows; the rows' CHECK refuses a forbidden negative balance
    even from a writer that skipped the funds check (InsufficientFunds; the transaction is
    then unusable, as after any refusal: the edge rolls it back)."""
    try:
        repo.add_to_balances(sums)
    except IntegrityError as err:
        # Amounts are positive, so the only CHECK an addition can break is `not_negative`.
        raise InsufficientFunds(account="(checked by the database)", balance="below 0") from err


def _check_funds(
    held: Mapping[str, tuple[Account, int, int]], entry: JournalEntry
) -> dict[int, tuple[int, int]]:
    """{account id: (debits, credits)} the entry adds; InsufficientFunds when an account whose
    kind forbids it would go below zero. `held` has every account the entry touches."""
    sums: dict[int, tuple[int, int]] = {}
    for line in entry.lines:
        account, debits, credits = held[line.account.code]
        if account.id in sums:
            continue
        added = rules.sums_of(entry.lines, account.code)
        sums[account.id] = added
        if account.may_go_negative:
            continue
        kind = rules.AccountKind(account.kind)
        after = rules.signed_balance(kind, debits=debits + added[0], credits=credits + added[1])
        if after < 0:
            raise InsufficientFunds(account=account.code, balance=after)
    return sums


def lock_accounts(session: Session, *, accounts: Sequence[AccountRef], now: datetime) -> None:
    """Lock the balance rows of every account a transaction is about to post to, in one
    statement (account id order), creating the missing accounts first.

    For a transaction whose entries touch different accounts one after another: each
    posting locks only its own accounts, so two such transactions could take shared rows
    (escrow, the guarantee fund) in opposite orders. Locked here first, the later postings
    find their rows already held. Call inside the edge's transaction, after any row lock the
    same transaction takes outside the ledger (docs/adr/0020).
    """
    _hold(session, accounts, now=now)


def _hold(
    session: Session, accounts: Sequence[AccountRef], *, now: datetime
) -> dict[str, tuple[Account, int, int]]:
    repo = LedgerRepository(session)
    codes = sorted({a.code for a in accounts})
    held = repo.accounts_for_posting(codes)
    if len(held) < len(codes):
        for ref in accounts:
            if ref.code not in held:
                ensure_account(session, ref=ref, now=now)
        held = repo.accounts_for_posting(codes)
    return dict(held)


class PostingBatch:
    """Many new entries posted together: the accounts they may touch are locked once (id
    order), each entry's funds check runs in memory against balances that include the
    entries before it, and everything is written in four statements by `flush`.

    For callers that post many entries in one transaction (the exchange's batch awards).
    Every idempotency key must be new: a reused key fails the flush on the unique constraint,
    and with it the transaction. Call inside the edge's transaction.
    """

    def __init__(self, session: Session, *, accounts: Sequence[AccountRef], now: datetime) -> None:
        self._session = session
        self._held: dict[str, tuple[Account, int, int]] = _hold(session, accounts, now=now)
        self._entries: list[tuple[JournalEntry, str]] = []
        self._sums: dict[int, tuple[int, int]] = {}

    def post(self, entry: JournalEntry) -> None:
        """Take `entry` into the batch, or raise InsufficientFunds and take nothing.

        Raises KeyError for an account the batch was not opened with (a programming error).
        """
        sums = _check_funds(self._held, entry)
        for code in {line.account.code for line in entry.lines}:
            account, debits, credits = self._held[code]
            added = sums[account.id]
            self._held[code] = (account, debits + added[0], credits + added[1])
            before = self._sums.get(account.id, (0, 0))
            self._sums[account.id] = (before[0] + added[0], before[1] + added[1])
        self._entries.append((entry, entry.fingerprint()))

    def flush(self) -> list[JournalEntryRow]:
        """Write the batch's entries, their lines and the balance rows; return the entries in
        the order posted. The batch is empty afterwards."""
        repo = LedgerRepository(self._session)
        rows = [
            JournalEntryRow(
                idempotency_key=entry.idempotency_key,
                fingerprint=fingerprint,
                occurred_at=entry.occurred_at,
                description=entry.description[:300],
                source=entry.source[:120],
                reverses_entry_id=None,
            )
            for entry, fingerprint in self._entries
        ]
        if rows:
            repo.add_entries(rows)
            repo.add_lines(
                [
                    (
                        row.id,
                        self._held[line.account.code][0].id,
                        line.side.value,
                        line.amount.minor,
                        line.amount.currency.value,
                    )
                    for row, (entry, _) in zip(rows, self._entries, strict=True)
                    for line in entry.lines
                ]
            )
            _add_to_balances(repo, self._sums)
        self._entries, self._sums = [], {}
        return rows


def _replay(existing: JournalEntryRow, fingerprint: str, key: str) -> JournalEntryRow:
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused(key=key)
    return existing


def entries_for_staff(
    session: Session, *, actor: Actor, source_prefix: str
) -> Sequence[EntryLineRow]:
    """Lines of entries whose source starts with `source_prefix`, for staff. MissingPermission."""
    actor.require(Permission.STAFF_LEDGER_READ)
    return entries_with_source_prefix(session, source_prefix)


def party_statement(session: Session, *, actor: Actor) -> tuple[Money, Sequence[EntryLineRow]]:
    """The actor's organisation's available balance and latest lines. MissingPermission."""
    actor.require(Permission.PARTY_ACCOUNT_READ)
    ref = rules.Accounts.party(actor.organisation_id)
    return balance(session, ref), statement(session, owner_id=actor.organisation_id)


def record_deposit(
    session: Session,
    *,
    actor: Actor,
    organisation_id: int,
    amount: Money,
    bank_reference: str,
    now: datetime,
) -> JournalEntryRow:
    """Book money a party paid into the platform's bank account onto its available balance.

    The bank reference is the idempotency key, so importing the same bank line twice
    books it once. Raises MissingPermission, InvalidLine (amount not positive).
    """
    actor.require(Permission.STAFF_LEDGER_DEPOSIT)
    party = rules.Accounts.party(organisation_id)
    return post_entry(
        session,
        entry=JournalEntry(
            idempotency_key=f"deposit:{bank_reference}",
            occurred_at=now,
            description="Deposit received in the platform's bank account",
            source=f"deposit:{organisation_id}",
            lines=(rules.debit(rules.Accounts.BANK, amount), rules.credit(party, amount)),
        ),
    )


def party_accounts(session: Session, *, actor: Actor) -> dict[rules.AccountKind, Money]:
    """The actor's organisation's available, pending and escrow balances. MissingPermission."""
    actor.require(Permission.PARTY_ACCOUNT_READ)
    return party_balances(session, owner_id=actor.organisation_id)


def ledger_check_for_staff(session: Session, *, actor: Actor) -> LedgerCheck:
    """Check the whole ledger (`ledger.check_ledger`) for staff. MissingPermission."""
    actor.require(Permission.STAFF_LEDGER_READ)
    return check_ledger(session)
