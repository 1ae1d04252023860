"""Ledger services: idempotent posting, funds checks, reversals, deposits and statements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ewaste import ledger
from ewaste.identity import Actor, MissingPermission, Role
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from ewaste.ledger import rules
from ewaste.ledger.models import Account, AccountBalance, JournalEntryRow, JournalLineRow
from ewaste.ledger.repository import LedgerRepository
from tests.factories import make_party

Accounts = ledger.Accounts


@pytest.fixture
def now(clock: FrozenClock) -> datetime:
    return clock.now()


@pytest.fixture
def operator(session: Session, now: datetime) -> Actor:
    return make_party(session, Role.OPERATOR, "operator", now=now)


@pytest.fixture
def plant(session: Session, now: datetime) -> Actor:
    return make_party(session, Role.PLANT, "plant-a", now=now)


@pytest.fixture
def station(session: Session, now: datetime) -> Actor:
    return make_party(session, Role.STATION, "sta-a", now=now)


@pytest.fixture
def fund(session: Session, operator: Actor, now: datetime) -> Callable[[Actor, int], None]:
    def deposit(party: Actor, minor: int) -> None:
        ledger.record_deposit(
            session,
            actor=operator,
            organisation_id=party.organisation_id,
            amount=Money(minor),
            bank_reference=f"bank-{party.organisation_id}-{minor}",
            now=now,
        )

    return deposit


def payment(
    payer: Actor, payee: ledger.AccountRef, minor: int, *, now: datetime, key: str = "lot:1:pay"
) -> ledger.JournalEntry:
    return ledger.JournalEntry(
        idempotency_key=key,
        occurred_at=now,
        description="Plant pays the lot price into escrow",
        source="lot:1",
        lines=ledger.transfer(
            payer=Accounts.party(payer.organisation_id), payee=payee, amount=Money(minor)
        ),
    )


def counts(session: Session) -> tuple[int, int]:
    entries = session.scalar(select(func.count(JournalEntryRow.id)))
    lines = session.scalar(select(func.count(JournalLineRow.id)))
    return int(entries or 0), int(lines or 0)


def party_balance(session: Session, party: Actor) -> Money:
    return ledger.balance(session, Accounts.party(party.organisation_id))


class TestEnsureAccount:
    def test_creates_an_account_on_first_use_and_returns_it_afterwards(
        self, session: Session, plant: Actor, now: datetime
    ) -> None:
        ref = Accounts.party(plant.organisation_id)
        first = ledger.ensure_account(session, ref=ref, now=now)
        again = ledger.ensure_account(session, ref=ref, now=now)
        assert first.id == again.id
        assert (first.code, first.kind, first.owner_id) == (
            ref.code,
            "party_available",
            plant.organisation_id,
        )
        assert first.may_go_negative is False

    def test_an_account_created_meanwhile_by_another_transaction_is_returned(
        self, session: Session, plant: Actor, now: datetime, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ref = Accounts.party(plant.organisation_id)
        existing = ledger.ensure_account(session, ref=ref, now=now)
        # The race: our read saw no account; the insert then meets the other's row.
        original = LedgerRepository.account_by_code
        reads: list[str] = []

        def first_read_misses(self: LedgerRepository, code: str) -> Account | None:
            reads.append(code)
            return None if len(reads) == 1 else original(self, code)

        monkeypatch.setattr(LedgerRepository, "account_by_code", first_read_misses)
        assert ledger.ensure_account(session, ref=ref, now=now).id == existing.id
        assert len(reads) == 2


class TestPostEntry:
    def test_a_posted_entry_moves_both_balances_and_the_journal_stays_balanced(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 100_000)
        row = ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        assert row.idempotency_key == "lot:1:pay"
        assert party_balance(session, plant) == Money(52_000)
        assert ledger.balance(session, Accounts.ESCROW) == Money(48_000)
        assert ledger.balance(session, Accounts.BANK) == Money(100_000)
        assert ledger.is_balanced(session)

    def test_the_same_key_twice_writes_one_entry(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 100_000)
        first = ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        before = counts(session)
        second = ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        assert second.id == first.id
        assert counts(session) == before
        assert party_balance(session, plant) == Money(52_000)

    def test_a_replay_may_differ_in_description_and_time(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 100_000)
        first = ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        retry = ledger.JournalEntry(
            idempotency_key="lot:1:pay",
            occurred_at=datetime(2027, 1, 1, tzinfo=now.tzinfo),
            description="retried by the client",
            source="lot:1",
            lines=first_lines(plant),
        )
        assert ledger.post_entry(session, entry=retry).id == first.id

    def test_the_same_key_for_different_lines_is_refused_and_changes_nothing(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 100_000)
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        before = counts(session)
        with pytest.raises(ledger.IdempotencyKeyReused) as caught:
            ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_001, now=now))
        assert caught.value.context == {"key": "lot:1:pay"}
        assert counts(session) == before
        assert party_balance(session, plant) == Money(52_000)

    def test_insufficient_funds_are_refused_and_nothing_is_written(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 10_000)
        before = counts(session)
        code = Accounts.party(plant.organisation_id).code
        with pytest.raises(ledger.InsufficientFunds) as caught:
            ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 10_001, now=now))
        assert caught.value.context == {"account": code, "balance": -1}
        assert caught.value.code == "ledger.insufficient_funds"
        assert counts(session) == before
        assert ledger.entries_for_source(session, "lot:1") == []
        assert party_balance(session, plant) == Money(10_000)
        assert ledger.balance(session, Accounts.ESCROW) == Money(0)

    def test_spending_the_whole_balance_is_allowed(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 10_000)
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 10_000, now=now))
        assert party_balance(session, plant) == Money(0)

    def test_an_account_kind_allowed_to_go_negative_is_not_checked(
        self, session: Session, now: datetime, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # No kind may go negative today; an overdraft-capable escrow shows the exemption.
        monkeypatch.setitem(rules.MAY_GO_NEGATIVE, ledger.AccountKind.ESCROW, True)
        entry = ledger.JournalEntry(
            idempotency_key="overdraft",
            occurred_at=now,
            description="escrow advances a fee",
            source="test",
            lines=ledger.transfer(
                payer=Accounts.ESCROW, payee=Accounts.PLATFORM_FEES, amount=Money(500)
            ),
        )
        ledger.post_entry(session, entry=entry)
        assert ledger.balance(session, Accounts.ESCROW) == Money(-500)
        assert ledger.balance(session, Accounts.PLATFORM_FEES) == Money(500)

    def test_a_key_posted_concurrently_answers_with_the_winner(
        self,
        session: Session,
        plant: Actor,
        fund: Callable[[Actor, int], None],
        now: datetime,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        fund(plant, 100_000)
        winner = ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        before = counts(session)
        _first_key_lookup_misses(monkeypatch)
        replay = ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        assert replay.id == winner.id
        assert counts(session) == before

    def test_a_key_posted_concurrently_with_other_lines_is_refused(
        self,
        session: Session,
        plant: Actor,
        fund: Callable[[Actor, int], None],
        now: datetime,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        fund(plant, 100_000)
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        _first_key_lookup_misses(monkeypatch)
        with pytest.raises(ledger.IdempotencyKeyReused):
            ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 100, now=now))

    def test_a_conflict_whose_winner_cannot_be_read_propagates(
        self,
        session: Session,
        plant: Actor,
        fund: Callable[[Actor, int], None],
        now: datetime,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        fund(plant, 100_000)
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        monkeypatch.setattr(LedgerRepository, "entry_by_key", lambda self, key: None)
        with pytest.raises(RuntimeError, match="not visible"):
            ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        # The insert skipped the conflicting key (ON CONFLICT DO NOTHING): the session goes on.
        assert party_balance(session, plant) == Money(52_000)


def first_lines(plant: Actor) -> tuple[ledger.Line, ledger.Line]:
    return ledger.transfer(
        payer=Accounts.party(plant.organisation_id), payee=Accounts.ESCROW, amount=Money(48_000)
    )


def _first_key_lookup_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate the race: the other transaction commits between our lookup and our insert."""
    original = LedgerRepository.entry_by_key
    lookups: list[str] = []

    def lookup(self: LedgerRepository, key: str) -> JournalEntryRow | None:
        lookups.append(key)
        return None if len(lookups) == 1 else original(self, key)

    monkeypatch.setattr(LedgerRepository, "entry_by_key", lookup)


class TestReverseEntry:
    def test_a_reversal_mirrors_the_entry_and_restores_the_balances(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 100_000)
        original = ledger.post_entry(
            session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now)
        )
        reversal = ledger.reverse_entry(
            session, entry_id=original.id, reason="lot withdrawn", now=now
        )
        assert reversal.reverses_entry_id == original.id
        assert reversal.idempotency_key == f"reversal:{original.id}"
        assert reversal.source == original.source
        assert "lot withdrawn" in reversal.description
        assert party_balance(session, plant) == Money(100_000)
        assert ledger.balance(session, Accounts.ESCROW) == Money(0)
        sides = [(line.account, line.side) for line in ledger.entries_for_source(session, "lot:1")]
        escrow = Accounts.ESCROW.code
        assert (escrow, "credit") in sides
        assert (escrow, "debit") in sides
        assert ledger.is_balanced(session)

    def test_an_entry_is_reversed_at_most_once(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 100_000)
        original = ledger.post_entry(
            session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now)
        )
        ledger.reverse_entry(session, entry_id=original.id, reason="first", now=now)
        before = counts(session)
        with pytest.raises(ledger.AlreadyReversed) as caught:
            ledger.reverse_entry(session, entry_id=original.id, reason="second", now=now)
        assert caught.value.context == {"entry_id": original.id}
        assert counts(session) == before
        assert party_balance(session, plant) == Money(100_000)

    def test_a_missing_entry_cannot_be_reversed(self, session: Session, now: datetime) -> None:
        with pytest.raises(ledger.EntryNotFound):
            ledger.reverse_entry(session, entry_id=987_654, reason="typo", now=now)

    def test_a_reversal_can_itself_be_reversed_to_reinstate_the_entry(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 100_000)
        original = ledger.post_entry(
            session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now)
        )
        reversal = ledger.reverse_entry(session, entry_id=original.id, reason="oops", now=now)
        ledger.reverse_entry(session, entry_id=reversal.id, reason="undo the oops", now=now)
        assert party_balance(session, plant) == Money(52_000)

    def test_reversing_a_deposit_already_spent_is_refused(
        self,
        session: Session,
        operator: Actor,
        plant: Actor,
        now: datetime,
    ) -> None:
        deposit = ledger.record_deposit(
            session,
            actor=operator,
            organisation_id=plant.organisation_id,
            amount=Money(50_000),
            bank_reference="B-1",
            now=now,
        )
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        before = counts(session)
        with pytest.raises(ledger.InsufficientFunds):
            ledger.reverse_entry(session, entry_id=deposit.id, reason="bounced", now=now)
        assert counts(session) == before


class TestDepositsStatementsAndListings:
    def test_a_bank_line_imported_twice_is_booked_once(
        self, session: Session, operator: Actor, plant: Actor, now: datetime
    ) -> None:
        for _ in range(2):
            ledger.record_deposit(
                session,
                actor=operator,
                organisation_id=plant.organisation_id,
                amount=Money(50_000),
                bank_reference="B-7",
                now=now,
            )
        assert party_balance(session, plant) == Money(50_000)
        assert ledger.balance(session, Accounts.BANK) == Money(50_000)

    def test_only_staff_book_deposits(self, session: Session, plant: Actor, now: datetime) -> None:
        with pytest.raises(MissingPermission):
            ledger.record_deposit(
                session,
                actor=plant,
                organisation_id=plant.organisation_id,
                amount=Money(1),
                bank_reference="self-service",
                now=now,
            )

    @pytest.mark.parametrize("minor", [0, -100])
    def test_a_deposit_must_be_positive(
        self, session: Session, operator: Actor, plant: Actor, now: datetime, minor: int
    ) -> None:
        with pytest.raises(ledger.InvalidLine):
            ledger.record_deposit(
                session,
                actor=operator,
                organisation_id=plant.organisation_id,
                amount=Money(minor),
                bank_reference="B-0",
                now=now,
            )

    def test_a_statement_shows_the_partys_own_balance_and_lines_newest_first(
        self,
        session: Session,
        plant: Actor,
        station: Actor,
        fund: Callable[[Actor, int], None],
        clock: FrozenClock,
    ) -> None:
        fund(plant, 100_000)
        fund(station, 7_000)
        clock.advance(timedelta(hours=1))
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=clock.now()))
        available, lines = ledger.party_statement(session, actor=plant)
        assert available == Money(52_000)
        assert [(ln.side, ln.amount) for ln in lines] == [
            ("debit", Money(48_000)),
            ("credit", Money(100_000)),
        ]
        assert {ln.account for ln in lines} == {Accounts.party(plant.organisation_id).code}

    def test_a_regulator_has_no_statement(self, session: Session, now: datetime) -> None:
        regulator = make_party(session, Role.REGULATOR, "reg", now=now)
        with pytest.raises(MissingPermission):
            ledger.party_statement(session, actor=regulator)

    def test_staff_list_entries_by_a_literal_source_prefix(
        self, session: Session, operator: Actor, now: datetime
    ) -> None:
        for source in ("lot:12", "lot:1_2", "lot:1%"):
            ledger.post_entry(
                session,
                entry=ledger.JournalEntry(
                    idempotency_key=f"k-{source}",
                    occurred_at=now,
                    description="",
                    source=source,
                    lines=(
                        ledger.debit(Accounts.BANK, Money(1)),
                        ledger.credit(Accounts.PLATFORM_FEES, Money(1)),
                    ),
                ),
            )

        def sources(prefix: str) -> set[str]:
            rows = ledger.entries_for_staff(session, actor=operator, source_prefix=prefix)
            return {row.source for row in rows}

        assert sources("lot:1") == {"lot:12", "lot:1_2", "lot:1%"}
        assert sources("lot:1_") == {"lot:1_2"}
        assert sources("lot:1%") == {"lot:1%"}
        assert sources("lot:9") == set()

    def test_only_staff_list_entries(self, session: Session, plant: Actor) -> None:
        with pytest.raises(MissingPermission):
            ledger.entries_for_staff(session, actor=plant, source_prefix="lot:")

    def test_balances_and_totals_derive_from_the_lines(
        self,
        session: Session,
        plant: Actor,
        station: Actor,
        fund: Callable[[Actor, int], None],
        now: datetime,
    ) -> None:
        assert ledger.balance(session, Accounts.ESCROW) == Money(0)  # never used
        fund(plant, 100_000)
        fund(station, 7_000)
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        every = {row.account: row.balance for row in ledger.balances(session)}
        assert every[Accounts.BANK.code] == Money(107_000)
        assert every[Accounts.ESCROW.code] == Money(48_000)
        own = ledger.balances(session, owner_id=plant.organisation_id)
        assert [(row.account, row.balance) for row in own] == [
            (Accounts.party(plant.organisation_id).code, Money(52_000))
        ]
        assert ledger.totals_by_kind(session) == {
            "bank": Money(107_000),
            "escrow": Money(48_000),
            "party_available": Money(59_000),
        }


class TestBalanceRows:
    """Posting keeps a balance row per account; the lines stay the record and check it."""

    def test_balance_rows_follow_postings_and_reversals(
        self,
        session: Session,
        plant: Actor,
        fund: Callable[[Actor, int], None],
        now: datetime,
    ) -> None:
        fund(plant, 100_000)
        entry = ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 48_000, now=now))
        ledger.post_entry(
            session, entry=payment(plant, Accounts.ESCROW, 2_000, now=now, key="lot:2:pay")
        )
        ledger.reverse_entry(session, entry_id=entry.id, reason="test", now=now)
        assert ledger.balance_mismatches(session) == []
        assert party_balance(session, plant) == Money(98_000)

    def test_a_balance_row_out_of_step_with_the_lines_is_reported(
        self,
        session: Session,
        plant: Actor,
        fund: Callable[[Actor, int], None],
    ) -> None:
        fund(plant, 100_000)
        code = Accounts.party(plant.organisation_id).code
        session.execute(
            update(AccountBalance)
            .where(
                AccountBalance.account_id
                == select(Account.id).where(Account.code == code).scalar_subquery()
            )
            .values(credit_minor=AccountBalance.credit_minor + 1)
        )
        assert ledger.balance_mismatches(session) == [code]

    def test_the_funds_check_reads_the_balance_row_fresh_within_one_transaction(
        self,
        session: Session,
        plant: Actor,
        fund: Callable[[Actor, int], None],
        now: datetime,
    ) -> None:
        fund(plant, 50_000)
        ledger.post_entry(session, entry=payment(plant, Accounts.ESCROW, 30_000, now=now))
        with pytest.raises(ledger.InsufficientFunds):
            ledger.post_entry(
                session, entry=payment(plant, Accounts.ESCROW, 30_000, now=now, key="lot:2:pay")
            )
        ledger.post_entry(
            session, entry=payment(plant, Accounts.ESCROW, 20_000, now=now, key="lot:3:pay")
        )
        assert party_balance(session, plant) == Money(0)
        assert ledger.balance_mismatches(session) == []


class TestSplitLinesAndBatches:
    def test_two_lines_on_one_account_are_checked_and_booked_together(
        self, session: Session, plant: Actor, fund: Callable[[Actor, int], None], now: datetime
    ) -> None:
        fund(plant, 10_000)
        payer = Accounts.party(plant.organisation_id)
        split = ledger.JournalEntry(
            idempotency_key="lot:2:pay",
            occurred_at=now,
            description="Paid in two parts",
            source="lot:2",
            lines=(
                ledger.debit(payer, Money(6_000)),
                ledger.debit(payer, Money(3_000)),
                ledger.credit(Accounts.ESCROW, Money(9_000)),
            ),
        )
        ledger.post_entry(session, entry=split)
        assert party_balance(session, plant) == Money(1_000)
        too_much = ledger.JournalEntry(
            idempotency_key="lot:3:pay",
            occurred_at=now,
            description="More than is left, in two parts",
            source="lot:3",
            lines=(
                ledger.debit(payer, Money(600)),
                ledger.debit(payer, Money(600)),
                ledger.credit(Accounts.ESCROW, Money(1_200)),
            ),
        )
        with pytest.raises(ledger.InsufficientFunds):
            ledger.post_entry(session, entry=too_much)
        assert party_balance(session, plant) == Money(1_000)
        assert ledger.balance_mismatches(session) == []

    def test_a_batch_opens_the_accounts_it_lacks_and_keeps_those_it_has(
        self,
        session: Session,
        plant: Actor,
        station: Actor,
        fund: Callable[[Actor, int], None],
        now: datetime,
    ) -> None:
        fund(plant, 5_000)  # the plant's account exists; the station's does not yet
        payer = Accounts.party(plant.organisation_id)
        payee = Accounts.party(station.organisation_id)
        batch = ledger.PostingBatch(session, accounts=[payer, payee], now=now)
        batch.post(payment(plant, payee, 2_000, now=now, key="batch:1"))
        batch.flush()
        assert party_balance(session, plant) == Money(3_000)
        assert ledger.balance(session, payee) == Money(2_000)
        again = ledger.PostingBatch(session, accounts=[payer, payee], now=now)  # both exist
        again.post(payment(plant, payee, 1_000, now=now, key="batch:2"))
        again.flush()
        assert again.flush() == []  # nothing left to write
        assert ledger.balance(session, payee) == Money(3_000)
        assert ledger.is_balanced(session)
        assert ledger.balance_mismatches(session) == []
