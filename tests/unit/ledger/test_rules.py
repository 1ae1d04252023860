"""Double-entry rules: lines, balanced entries, fingerprints, reversals and balances."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import pytest

from ewaste.kernel.money import Currency, Money
from ewaste.ledger.rules import (
    MAY_GO_NEGATIVE,
    NORMAL_SIDE,
    AccountKind,
    AccountRef,
    Accounts,
    InvalidLine,
    JournalEntry,
    Line,
    Side,
    UnbalancedEntry,
    balance_after,
    check_balanced,
    credit,
    debit,
    reversal_lines,
    signed_balance,
    transfer,
)

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
USD = cast(Currency, "USD")  # only CNY exists today; a stand-in shows the per-currency check
PLANT = Accounts.party(10)
STATION = Accounts.party(8)


def entry(*lines: Line, key: str = "k-1", source: str = "lot:1", **kw: object) -> JournalEntry:
    fields: dict[str, object] = {
        "idempotency_key": key,
        "occurred_at": NOW,
        "description": "test",
        "source": source,
        **kw,
    }
    return JournalEntry(lines=lines, **fields)  # type: ignore[arg-type]


class TestLines:
    def test_debit_and_credit_name_their_side(self) -> None:
        assert debit(PLANT, Money(1)) == Line(PLANT, Side.DEBIT, Money(1))
        assert credit(PLANT, Money(1)) == Line(PLANT, Side.CREDIT, Money(1))

    @pytest.mark.parametrize("minor", [0, -1])
    def test_a_line_needs_a_positive_amount(self, minor: int) -> None:
        with pytest.raises(InvalidLine) as caught:
            debit(PLANT, Money(minor))
        assert caught.value.code == "ledger.invalid_line"

    def test_a_transfer_debits_the_payer_and_credits_the_payee(self) -> None:
        assert transfer(payer=PLANT, payee=Accounts.ESCROW, amount=Money(48_000)) == (
            debit(PLANT, Money(48_000)),
            credit(Accounts.ESCROW, Money(48_000)),
        )

    def test_a_party_account_is_named_after_its_organisation(self) -> None:
        assert Accounts.party(10) == AccountRef("org:10:available", AccountKind.PARTY_AVAILABLE, 10)

    def test_platform_accounts_have_no_owner(self) -> None:
        for ref in (Accounts.ESCROW, Accounts.PLATFORM_FEES, Accounts.BANK):
            assert ref.owner_id is None
            assert ref.code.startswith("platform:")


class TestJournalEntry:
    def test_a_balanced_entry_with_several_lines_is_accepted(self) -> None:
        e = entry(
            debit(Accounts.ESCROW, Money(48_000)),
            credit(STATION, Money(47_040)),
            credit(Accounts.PLATFORM_FEES, Money(960)),
        )
        assert len(e.lines) == 3

    @pytest.mark.parametrize("count", [0, 1])
    def test_an_entry_needs_two_or_more_lines(self, count: int) -> None:
        with pytest.raises(InvalidLine):
            entry(*[debit(PLANT, Money(1))] * count)

    def test_an_entry_needs_an_idempotency_key(self) -> None:
        with pytest.raises(InvalidLine):
            entry(*transfer(payer=PLANT, payee=STATION, amount=Money(1)), key="")

    def test_an_unbalanced_entry_is_refused(self) -> None:
        with pytest.raises(UnbalancedEntry) as caught:
            entry(debit(PLANT, Money(100)), credit(STATION, Money(99)))
        assert caught.value.context == {"currency": "CNY", "debits": 100, "credits": 99}

    def test_two_debits_alone_do_not_balance(self) -> None:
        with pytest.raises(UnbalancedEntry):
            entry(debit(PLANT, Money(1)), debit(STATION, Money(1)))

    def test_each_currency_must_balance_on_its_own(self) -> None:
        lines = [
            debit(PLANT, Money(100)),
            credit(STATION, Money(100, USD)),
        ]
        with pytest.raises(UnbalancedEntry):
            check_balanced(lines)
        check_balanced([*lines, credit(STATION, Money(100)), debit(PLANT, Money(100, USD))])


class TestFingerprint:
    LINES = (debit(PLANT, Money(48_000)), credit(Accounts.ESCROW, Money(48_000)))

    def test_is_a_stable_sha256_hex_digest(self) -> None:
        first = entry(*self.LINES).fingerprint()
        assert first == entry(*self.LINES).fingerprint()
        assert len(first) == 64
        assert int(first, 16) >= 0

    def test_does_not_depend_on_line_order_key_description_or_time(self) -> None:
        base = entry(*self.LINES).fingerprint()
        assert entry(*reversed(self.LINES)).fingerprint() == base
        assert entry(*self.LINES, key="other-key").fingerprint() == base
        assert entry(*self.LINES, description="another text").fingerprint() == base
        assert entry(*self.LINES, occurred_at=datetime(2027, 1, 1, tzinfo=UTC)).fingerprint() == (
            base
        )

    @pytest.mark.parametrize(
        "changed",
        [
            {"source": "lot:2"},
            {"lines": (debit(PLANT, Money(48_001)), credit(Accounts.ESCROW, Money(48_001)))},
            {"lines": (credit(PLANT, Money(48_000)), debit(Accounts.ESCROW, Money(48_000)))},
            {"lines": (debit(STATION, Money(48_000)), credit(Accounts.ESCROW, Money(48_000)))},
        ],
        ids=["source", "amount", "sides", "account"],
    )
    def test_changes_with_what_the_entry_does(self, changed: dict[str, object]) -> None:
        lines = cast(tuple[Line, ...], changed.pop("lines", self.LINES))
        assert entry(*lines, **changed).fingerprint() != entry(*self.LINES).fingerprint()


def test_reversal_lines_swap_every_side_and_keep_accounts_and_amounts() -> None:
    lines = (
        debit(Accounts.ESCROW, Money(48_000)),
        credit(STATION, Money(47_040)),
        credit(Accounts.PLATFORM_FEES, Money(960)),
    )
    assert reversal_lines(lines) == (
        credit(Accounts.ESCROW, Money(48_000)),
        debit(STATION, Money(47_040)),
        debit(Accounts.PLATFORM_FEES, Money(960)),
    )
    assert reversal_lines(reversal_lines(lines)) == lines


class TestBalances:
    def test_every_kind_has_a_normal_side_and_a_negative_rule(self) -> None:
        assert set(NORMAL_SIDE) == set(AccountKind)
        assert set(MAY_GO_NEGATIVE) == set(AccountKind)

    @pytest.mark.parametrize(
        ("kind", "expected"),
        [
            (AccountKind.PARTY_AVAILABLE, 70),
            (AccountKind.ESCROW, 70),
            (AccountKind.PLATFORM_FEES, 70),
            (AccountKind.BANK, -70),
        ],
    )
    def test_signed_balance_counts_the_normal_side_as_positive(
        self, kind: AccountKind, expected: int
    ) -> None:
        assert signed_balance(kind, debits=30, credits=100) == expected

    def test_balance_after_applies_only_the_lines_of_that_account(self) -> None:
        lines = (
            debit(PLANT, Money(48_000)),
            credit(Accounts.ESCROW, Money(48_000)),
        )
        kind = AccountKind.PARTY_AVAILABLE
        assert balance_after(kind, 50_000, lines, PLANT.code) == 2_000
        assert balance_after(kind, 0, lines, Accounts.ESCROW.code) == 48_000
        assert balance_after(kind, 7, lines, STATION.code) == 7

    def test_balance_after_can_go_below_zero_for_the_caller_to_refuse(self) -> None:
        lines = transfer(payer=PLANT, payee=STATION, amount=Money(10))
        assert balance_after(AccountKind.PARTY_AVAILABLE, 5, lines, PLANT.code) == -5

    def test_a_bank_deposit_raises_the_bank_balance(self) -> None:
        lines = (debit(Accounts.BANK, Money(100)), credit(PLANT, Money(100)))
        assert balance_after(AccountKind.BANK, 0, lines, Accounts.BANK.code) == 100
