"""Settlement by tier: the advance at award, the payment at reception, the release after the
holding period, and the recovery of bad advances from later earnings (docs/adr/0020).

The exchange calls `record_sales` when lots are awarded (once per batch) and
`settle_at_reception` when escrow is released; a station's receipt of a collector's units
calls `settle_at_reception` alone (the receipt is both the sale and its reception). The
worker calls `release_due`. The ledger is written only through `ledger.post_entry`; every
entry carries the sale's `source`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from sqlalchemy.orm import Session

from ewaste import credit, identity, ledger
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money
from ewaste.settlement import rules
from ewaste.settlement.models import Settlement, SettlementSeller, SettlementStatusChange
from ewaste.settlement.repository import SettlementRepository
from ewaste.settlement.rules import SellerNotFound, SettlementEvent, SettlementStatus
from ewaste.settlement.views import SellerSettlement, seller_settlement


@dataclass(frozen=True, slots=True)
class Sale:
    """An award to settle: its source (`lot:<id>`, as its journal entries), seller, payer
    and price."""

    source: str
    seller_id: int
    payer_id: int
    price: Money


def lock_for_sales(
    session: Session, seller_ids: Sequence[int], *, now: datetime
) -> list[ledger.AccountRef]:
    """Lock the sellers' settlement rows ahead of an award's first balance row, and return
    the accounts `record_sales` may post its advances to (the guarantee fund and the
    sellers'), for the caller to lock together with its own in one `ledger.lock_accounts`.

    Every settlement path takes its locks in this order — the sale's settlement row, the
    sellers' rows (id order), then all the balance rows at once (docs/adr/0020). An award
    that locked escrow first and a seller's row second would wait in a cycle with a
    reception of the same seller, which takes them the other way round.
    """
    SettlementRepository(session).sellers_for_update(seller_ids, now=now)
    return [
        ledger.Accounts.GUARANTEE_FUND,
        *(ledger.Accounts.party(s) for s in sorted(set(seller_ids))),
    ]


def record_sales(
    session: Session,
    sales: Sequence[Sale],
    *,
    now: datetime,
    fee_basis_points: int = rules.ADVANCE_FEE_BASIS_POINTS,
    policy: credit.SettlementPolicy = credit.DEFAULT_POLICY,
) -> None:
    """Record sales with each seller's terms in force `now` (a sale already recorded for its
    source is left as it is); a top-tier seller is advanced its share (price less the fee)
    by the guarantee fund, up to what is left of its limit, sale after sale in the order
    given.

    Set-based for a batch of awards: one read of the recorded sources, one of the sellers'
    scores, one insert of the settlements and one of their history; only top-tier sales are
    loaded and their sellers' totals locked (in id order). Raises nothing a user can cause:
    the fund may go negative, the seller is only credited.
    """
    with session.no_autoflush:  # an award in a batch flushes its rows once, at its end
        repo = SettlementRepository(session)
        recorded = repo.recorded_sources([sale.source for sale in sales])
        new = list({sale.source: sale for sale in sales if sale.source not in recorded}.values())
        terms = credit.settlement_terms_of(
            session, sorted({sale.seller_id for sale in new}), now, policy=policy
        )
        ids = _insert(repo, new, terms, now=now)
        top = repo.by_ids(
            [
                i
                for i, sale in zip(ids, new, strict=True)
                if terms[sale.seller_id].tier is credit.Tier.TOP
            ]
        )
        sellers = repo.sellers_for_update([row.seller_id for row in top], now=now)
        for row in top:
            _advance(session, repo, row, sellers[row.seller_id], fee_basis_points, now=now)


def _advance(
    session: Session,
    repo: SettlementRepository,
    row: Settlement,
    seller: SettlementSeller,
    fee_basis_points: int,
    *,
    now: datetime,
) -> None:
    price = Money(row.price_fen)
    fee = price.times(Decimal(fee_basis_points) / 10_000, rounding=ROUND_DOWN)
    advance = rules.advance_for(
        price - fee,
        limit=Money(row.advance_limit_fen),
        outstanding=Money(seller.outstanding_fen),
        owed=Money(seller.owed_fen),
    )
    if not advance.is_positive():
        return
    ledger.post_entry(
        session,
        entry=ledger.JournalEntry(
            idempotency_key=f"settlement:{row.source}:advance",
            occurred_at=now,
            description="Guarantee fund advances the seller's share at award (top tier)",
            source=row.source,
            lines=ledger.transfer(
                payer=ledger.Accounts.GUARANTEE_FUND,
                payee=ledger.Accounts.party(row.seller_id),
                amount=advance,
            ),
        ),
    )
    row.advanced_fen = advance.minor
    seller.outstanding_fen += advance.minor
    seller.updated_at = now
    _transition(repo, row, SettlementEvent.ADVANCE, now=now, note=f"advanced {advance.minor} fen")


def settle_at_reception(
    session: Session,
    *,
    source: str,
    seller_id: int,
    payer_id: int,
    price: Money,
    share: Money,
    lines: Sequence[ledger.Line],
    idempotency_key: str,
    description: str,
    now: datetime,
    policy: credit.SettlementPolicy = credit.DEFAULT_POLICY,
) -> Settlement:
    """Post the reception's entry: `lines` (the payer's side: escrow released, fee, refund)
    plus where the seller's `share` at the decided price goes under its recorded tier.

    Top and middle: the fund is repaid this sale's advance, then the seller's debt; the rest
    is paid to the seller's available balance; a share below the advance leaves the
    shortfall owed. New/low: the share goes to the seller's pending account, released by
    `release_due` after the holding period. A sale without a recorded settlement (awarded
    before settlement by tier) is recorded now with the terms in force now.
    Raises InsufficientFunds (the payer's side) before its entry is written; the settlement
    row it may have recorded goes with the caller's transaction, which the edge rolls back.
    """
    repo = SettlementRepository(session)
    row = repo.by_source(source, for_update=True)
    if row is None:  # awarded before settlement by tier: the terms in force now
        terms = credit.settlement_terms_of(session, [seller_id], now, policy=policy)
        _insert(repo, [Sale(source, seller_id, payer_id, price)], terms, now=now)
        row = repo.by_source(source, for_update=True)
        assert row is not None
    seller = repo.seller_for_update(seller_id, now=now)
    row.share_fen, row.received_at = share.minor, now
    entry_lines = list(lines)
    if row.tier == credit.Tier.NEW.value and share.is_positive():
        entry_lines.append(ledger.credit(ledger.Accounts.party_pending(seller_id), share))
        _post(session, idempotency_key, description, source, entry_lines, now)
        row.held_fen = share.minor
        row.release_due_at = now + timedelta(seconds=row.holding_seconds)
        _transition(repo, row, SettlementEvent.HOLD, now=now, note=f"held {share.minor} fen")
        return row
    paid = _pay(row, seller, share, advanced=Money(row.advanced_fen), now=now)
    entry_lines.extend(_payment_lines(seller_id, paid))
    _post(session, idempotency_key, description, source, entry_lines, now)
    row.repaid_fen, row.shortfall_fen = paid.repaid.minor, paid.shortfall.minor
    seller.outstanding_fen -= row.advanced_fen
    _transition(repo, row, SettlementEvent.SETTLE, now=now, note=_note(paid))
    return row


def release_due(session: Session, *, now: datetime, limit: int) -> int:
    """Release held shares whose holding period has passed, each exactly once: its row is
    claimed with SKIP LOCKED and leaves `held` as its entry (one key per settlement) moves
    the share from pending to the fund (the seller's debt first) and to available. Returns
    how many were released."""
    repo = SettlementRepository(session)
    due = repo.claim_due(now, limit=limit)
    if not due:
        return 0
    sellers = repo.sellers_for_update([r.seller_id for r in due], now=now)
    ledger.lock_accounts(  # all at once: the entries below touch them one seller at a time
        session,
        accounts=[
            ledger.Accounts.GUARANTEE_FUND,
            *(ledger.Accounts.party_pending(s) for s in sellers),
            *(ledger.Accounts.party(s) for s in sellers),
        ],
        now=now,
    )
    for row in due:
        seller = sellers[row.seller_id]
        held = Money(row.held_fen)
        paid = _pay(row, seller, held, advanced=Money.zero(), now=now)
        _post(
            session,
            f"settlement:{row.id}:released",
            "Held proceeds released after the holding period (new/low tier)",
            row.source,
            [
                ledger.debit(ledger.Accounts.party_pending(row.seller_id), held),
                *_payment_lines(row.seller_id, paid),
            ],
            now,
        )
        _transition(repo, row, SettlementEvent.RELEASE, now=now, note=_note(paid))
    session.flush()
    return len(due)


def settlement_for(session: Session, *, actor: Actor, now: datetime) -> SellerSettlement:
    """The actor's organisation's settlement terms, recovery balance, pending releases and
    latest settlements. Raises MissingPermission."""
    actor.require(Permission.PARTY_ACCOUNT_READ)
    return seller_settlement(session, seller_id=actor.organisation_id, now=now)


def settlement_of_seller(
    session: Session, *, actor: Actor, organisation_id: int, now: datetime
) -> SellerSettlement:
    """One seller's settlement for staff. Raises MissingPermission, SellerNotFound."""
    actor.require(Permission.STAFF_LEDGER_READ)
    if identity.organisation_row(session, organisation_id) is None:
        raise SellerNotFound(organisation_id=organisation_id)
    return seller_settlement(session, seller_id=organisation_id, now=now)


def _insert(
    repo: SettlementRepository,
    sales: Sequence[Sale],
    terms: Mapping[int, credit.SettlementTerms],
    *,
    now: datetime,
) -> list[int]:
    """Insert the sales' settlements and their first history rows; their ids, in order."""
    ids = repo.insert_many([_values(sale, terms[sale.seller_id], now) for sale in sales])
    repo.insert_changes(
        [
            {
                "settlement_id": settlement_id,
                "from_status": "",
                "to_status": SettlementStatus.AWARDED.value,
                "event": "record",
                "at": now,
                "note": f"tier {t.tier.value} (score {t.score}), release {t.release.value}",
            }
            for settlement_id, t in zip(ids, (terms[sale.seller_id] for sale in sales), strict=True)
        ]
    )
    return ids


def _values(sale: Sale, terms: credit.SettlementTerms, now: datetime) -> dict[str, object]:
    return {
        "source": sale.source,
        "seller_id": sale.seller_id,
        "payer_id": sale.payer_id,
        "tier": terms.tier.value,
        "release": terms.release.value,
        "score": terms.score,
        "holding_seconds": int(terms.holding.total_seconds()),
        "price_fen": sale.price.minor,
        "advance_limit_fen": terms.advance_limit.minor,
        "advanced_fen": 0,
        "repaid_fen": 0,
        "shortfall_fen": 0,
        "recovered_fen": 0,
        "paid_fen": 0,
        "held_fen": 0,
        "status": SettlementStatus.AWARDED.value,
        "sold_at": now,
        "version": 1,
    }


def _pay(
    row: Settlement, seller: SettlementSeller, share: Money, *, advanced: Money, now: datetime
) -> rules.Payment:
    """Split `share` (repay the advance, then the debt) and book it on the row and seller."""
    paid = rules.payment(share, advanced=advanced, owed=Money(seller.owed_fen))
    row.recovered_fen, row.paid_fen, row.settled_at = paid.recovered.minor, paid.seller.minor, now
    seller.owed_fen += paid.shortfall.minor - paid.recovered.minor
    seller.updated_at = now
    return paid


def _payment_lines(seller_id: int, paid: rules.Payment) -> list[ledger.Line]:
    lines: list[ledger.Line] = []
    if paid.fund.is_positive():
        lines.append(ledger.credit(ledger.Accounts.GUARANTEE_FUND, paid.fund))
    if paid.seller.is_positive():
        lines.append(ledger.credit(ledger.Accounts.party(seller_id), paid.seller))
    return lines


def _post(
    session: Session,
    key: str,
    description: str,
    source: str,
    lines: Sequence[ledger.Line],
    now: datetime,
) -> None:
    ledger.post_entry(
        session,
        entry=ledger.JournalEntry(
            idempotency_key=key,
            occurred_at=now,
            description=description,
            source=source,
            lines=tuple(lines),
        ),
    )


def _note(paid: rules.Payment) -> str:
    return (
        f"repaid {paid.repaid.minor}, recovered {paid.recovered.minor}, paid {paid.seller.minor}, "
        f"shortfall {paid.shortfall.minor} fen"
    )


def _transition(
    repo: SettlementRepository,
    row: Settlement,
    event: SettlementEvent,
    *,
    now: datetime,
    note: str,
) -> None:
    before, after = row.apply(event)
    repo.add_change(
        SettlementStatusChange(
            settlement_id=row.id,
            from_status=before,
            to_status=after,
            event=event.value,
            at=now,
            note=note[:300],
        )
    )
