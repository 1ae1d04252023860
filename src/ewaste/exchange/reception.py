"""Reception at the plant and its discrepancies: scan and weigh a shipped lot, reconcile it
against the lot, open a discrepancy with evidence when it does not match, decide it by rule or
by an operator, and settle escrow at the decided price (ADR 0015).

Money leaves escrow once per lot, whatever the path, under one idempotency key
(`lot:{id}:escrow-released`): the station gets the (adjusted) price less the platform fee, the
platform the fee, and the plant back what the adjustment took off. The amount held is the
contract's price (what the plant paid into escrow at award), not the lot's asking price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import custody, identity, ledger, settlement
from ewaste.exchange import rules
from ewaste.exchange.access import access_lot, access_lot_for_reading
from ewaste.exchange.contracts import transition_lot
from ewaste.exchange.models import (
    Contract,
    Lot,
    LotDiscrepancy,
    LotDiscrepancyStatusChange,
    LotDiscrepancyUnit,
)
from ewaste.exchange.queries import LotView, lot_view
from ewaste.exchange.reception_repository import ReceptionRepository
from ewaste.exchange.repository import ExchangeRepository, MarketRepository
from ewaste.exchange.rules import (
    DiscrepancyEvent,
    DiscrepancyNotFound,
    DiscrepancyStatus,
    LotEvent,
    LotStatus,
    ReceptionCheck,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money
from ewaste.kernel.quantities import Mass


@dataclass(frozen=True, slots=True)
class DiscrepancyChange:
    """One transition of a discrepancy."""

    from_status: str
    to_status: str
    event: str
    actor_id: int | None
    at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class DiscrepancyView:
    """A discrepancy as the plant, the station and staff see it."""

    id: int
    lot_id: int
    contract_id: int
    station_id: int
    plant_id: int
    status: str
    kinds: tuple[str, ...]
    lot_units: int
    received_units: int
    missing_units: int
    extra_units: int
    lot_grams: int
    expected_grams: int
    received_grams: int
    tolerance_basis_points: int
    missing_codes: tuple[str, ...]
    extra_codes: tuple[str, ...]
    evidence: tuple[str, ...]
    contract_price: Money
    proposed_price: Money
    """What the rule would pay: the contract price pro rata to the units received."""
    adjusted_price: Money | None
    decided_by: str | None
    reason: str
    opened_at: datetime
    decided_at: datetime | None
    history: tuple[DiscrepancyChange, ...]
    found: tuple[FoundUnit, ...] = ()
    """Units reported missing that turned up at the plant afterwards, oldest first."""

    @property
    def still_missing(self) -> tuple[str, ...]:
        """The units reported missing that have not turned up since."""
        found = {f.unit_code for f in self.found}
        return tuple(c for c in self.missing_codes if c not in found)


@dataclass(frozen=True, slots=True)
class FoundUnit:
    """A unit reported missing at reception that turned up afterwards: received at the
    plant, or found back at the station that shipped it (`place`)."""

    unit_code: str
    found_at: datetime
    paid: Money
    """What the plant paid the station for it (before the platform fee); nothing for a
    unit found at the station, which never left it."""
    place: str = "plant"


def receive_lot(
    session: Session,
    *,
    actor: Actor,
    lot_id: int,
    unit_codes: Sequence[str],
    load_grams: int,
    now: datetime,
    tolerance_basis_points: int,
    fee_basis_points: int,
    evidence: Sequence[str] = (),
) -> LotView:
    """Scan and weigh a shipped lot at the plant and reconcile it against the lot.

    Each scanned unit of the lot passes into the plant's custody (`unit:receive:plant`);
    each unit of the lot not scanned is recorded missing (`unit:missing:reception`, the
    station stays its holder); a scanned code that is not in the lot is only recorded, as
    an extra unit of the discrepancy, and passes nobody's custody. The load is compared with
    the door weight of the units received, within the tolerance.

    All matches: escrow is released, the station gets the price less the fee. Otherwise the
    lot is disputed and a discrepancy opened with the evidence references; when its only
    kind is missing units the rule decides it at once (pro rata price, rest refunded to
    the plant) and the lot is received; else it waits for an operator's decision.

    Raises LotNotFound, IllegalLotTransition, EmptySelection, InvalidUnitCode, InvalidMass,
    InvalidEvidence. Nothing is written when any is raised.
    """
    lot = access_lot(
        session,
        actor=actor,
        lot_id=lot_id,
        permission=Permission.PLANT_LOT_RECEIVE,
        for_update=True,
    )
    weight = Mass(load_grams)
    refs = rules.check_references(evidence)
    codes = sorted({custody.parse_unit_code(c) for c in unit_codes})
    rules.check_selection(codes)
    rules.next_lot_status(LotStatus(lot.status), LotEvent.RECEIVE)  # shipped, or refuse now
    members = {m.unit_code for m in ExchangeRepository(session).lot_units(lot.id)}
    scanned = [c for c in codes if c in members]
    extras = [c for c in codes if c not in members]
    missing = sorted(members.difference(scanned))
    door = {u.code: u.door_grams for u in custody.units_by_codes(session, scanned)}
    check = ReceptionCheck(
        lot_units=lot.unit_count,
        received_units=len(scanned),
        extra_units=len(extras),
        expected_grams=sum(door.values()),
        received_grams=weight.grams,
        tolerance_basis_points=tolerance_basis_points,
    )
    plant = identity.organisation_row(session, actor.organisation_id)
    place = plant.location if plant else None
    for kind, group in (
        (custody.HandoverKind.RECEIVE, scanned),
        (custody.HandoverKind.MISSING, missing),
    ):
        if group:
            custody.hand_over(
                session,
                actor=actor,
                unit_codes=group,
                handover=custody.Handover(
                    kind=kind,
                    from_id=lot.station_id,
                    to_id=actor.organisation_id,
                    at=now,
                    place=place,
                    ref=f"lot:{lot.id}",
                    evidence=" ".join(refs)[:200],
                ),
            )
    lot.received_units = len(scanned)
    lot.received_grams = weight.grams
    contract = _contract(session, lot)
    if not check.kinds:
        transition_lot(session, lot, LotEvent.RECEIVE, user_id=actor.user_id, now=now)
        _settle(
            session,
            lot,
            contract,
            adjusted=Money(contract.price_fen),
            fee_basis_points=fee_basis_points,
            now=now,
        )
    else:
        note = ", ".join(k.value for k in check.kinds)
        transition_lot(
            session,
            lot,
            LotEvent.RECEIVE_WITH_DISCREPANCY,
            user_id=actor.user_id,
            now=now,
            note=note,
        )
        found = _open(session, lot, contract, check, missing, extras, refs, actor=actor, now=now)
        if check.decidable_by_rule:
            adjusted = rules.price_by_rule(
                Money(contract.price_fen), lot_units=lot.unit_count, received_units=len(scanned)
            )
            _decide(
                session,
                lot,
                contract,
                found,
                event=DiscrepancyEvent.DECIDE_BY_RULE,
                adjusted=adjusted,
                reason=(
                    f"{check.missing_units} of {lot.unit_count} unit(s) missing: the contract "
                    "price is paid pro rata to the units received"
                ),
                user_id=None,
                fee_basis_points=fee_basis_points,
                now=now,
            )
    session.flush()
    return lot_view(session, lot)


def decide_discrepancy(
    session: Session,
    *,
    actor: Actor,
    lot_id: int,
    adjusted_price: Money,
    reason: str,
    now: datetime,
    fee_basis_points: int,
) -> DiscrepancyView:
    """An operator decides an open discrepancy: the contract price becomes `adjusted_price`
    (nothing to the full price) for `reason`; escrow is settled at it and the lot received.

    Raises MissingPermission, LotNotFound, DiscrepancyNotFound, InvalidAdjustedPrice,
    InvalidDecisionReason, IllegalDiscrepancyTransition (already decided). The lot's row
    lock, then the discrepancy's, make a second decision wait and then refuse.
    """
    actor.require(Permission.STAFF_DISCREPANCY_DECIDE)
    text = rules.check_reason(reason)
    lot = access_lot(
        session,
        actor=actor,
        lot_id=lot_id,
        permission=Permission.STAFF_DISCREPANCY_DECIDE,
        for_update=True,
    )
    found = ReceptionRepository(session).discrepancy_of_lot(lot.id, for_update=True)
    if found is None:
        raise DiscrepancyNotFound(lot_id=lot_id)
    contract = _contract(session, lot)
    rules.check_adjusted_price(adjusted_price, price=Money(contract.price_fen))
    rules.next_discrepancy_status(
        DiscrepancyStatus(found.status), DiscrepancyEvent.DECIDE_BY_OPERATOR
    )
    _decide(
        session,
        lot,
        contract,
        found,
        event=DiscrepancyEvent.DECIDE_BY_OPERATOR,
        adjusted=adjusted_price,
        reason=text,
        user_id=actor.user_id,
        fee_basis_points=fee_basis_points,
        now=now,
    )
    session.flush()
    return discrepancy_view(session, found)


def get_discrepancy(session: Session, *, actor: Actor, lot_id: int) -> DiscrepancyView:
    """The lot's discrepancy, for its plant, its station and staff; DiscrepancyNotFound when
    the lot has none, LotNotFound when the actor may not see the lot."""
    lot = access_lot_for_reading(session, actor=actor, lot_id=lot_id)
    found = ReceptionRepository(session).discrepancy_of_lot(lot.id)
    if found is None or not _party_or_staff(actor, found):
        raise DiscrepancyNotFound(lot_id=lot_id)
    return discrepancy_view(session, found)


def discrepancies_for(
    session: Session, *, actor: Actor, status: str | None = None, limit: int = 200
) -> Sequence[DiscrepancyView]:
    """Discrepancies the actor may see, newest first: staff all, a plant or a station those
    of its own receptions and sales, anyone else none."""
    if actor.can(Permission.STAFF_LOT_READ):
        party: int | None = None
    elif actor.can(Permission.PLANT_LOT_READ) or actor.can(Permission.STATION_LOT_READ):
        party = actor.organisation_id
    else:
        return []
    rows = ReceptionRepository(session).discrepancies(party, status=status, limit=limit)
    return [discrepancy_view(session, d) for d in rows]


def _party_or_staff(actor: Actor, found: LotDiscrepancy) -> bool:
    if actor.can(Permission.STAFF_LOT_READ):
        return True
    return actor.organisation_id in (found.plant_id, found.station_id)


def discrepancy_view(session: Session, found: LotDiscrepancy) -> DiscrepancyView:
    """The read model of one discrepancy, with its unit codes and history."""
    repo = ReceptionRepository(session)
    units = repo.discrepancy_units(found.id)
    price = Money(found.contract_price_fen)
    return DiscrepancyView(
        id=found.id,
        lot_id=found.lot_id,
        contract_id=found.contract_id,
        station_id=found.station_id,
        plant_id=found.plant_id,
        status=found.status,
        kinds=tuple(k for k in found.kinds.split(",") if k),
        lot_units=found.lot_units,
        received_units=found.received_units,
        missing_units=found.missing_units,
        extra_units=found.extra_units,
        lot_grams=found.lot_grams,
        expected_grams=found.expected_grams,
        received_grams=found.received_grams,
        tolerance_basis_points=found.tolerance_basis_points,
        missing_codes=tuple(u.unit_code for u in units if u.kind == "missing"),
        extra_codes=tuple(u.unit_code for u in units if u.kind == "extra"),
        evidence=tuple(found.evidence.split()),
        contract_price=price,
        proposed_price=rules.price_by_rule(
            price, lot_units=found.lot_units, received_units=found.received_units
        ),
        adjusted_price=(
            Money(found.adjusted_price_fen) if found.adjusted_price_fen is not None else None
        ),
        decided_by=found.decided_by,
        reason=found.reason,
        opened_at=found.opened_at,
        decided_at=found.decided_at,
        history=tuple(
            DiscrepancyChange(h.from_status, h.to_status, h.event, h.actor_id, h.at, h.note)
            for h in repo.discrepancy_history(found.id)
        ),
        found=tuple(
            FoundUnit(f.unit_code, f.found_at, Money(f.paid_fen), f.place)
            for f in repo.found_units(found.id)
        ),
    )


def _contract(session: Session, lot: Lot) -> Contract:
    contract = MarketRepository(session).contract_of_lot(lot.id)
    assert contract is not None  # a shipped or disputed lot was awarded
    return contract


def _open(
    session: Session,
    lot: Lot,
    contract: Contract,
    check: ReceptionCheck,
    missing: Sequence[str],
    extras: Sequence[str],
    refs: Sequence[str],
    *,
    actor: Actor,
    now: datetime,
) -> LotDiscrepancy:
    repo = ReceptionRepository(session)
    found = LotDiscrepancy(
        lot_id=lot.id,
        contract_id=contract.id,
        station_id=lot.station_id,
        plant_id=contract.plant_id,
        kinds=",".join(k.value for k in check.kinds),
        lot_units=check.lot_units,
        received_units=check.received_units,
        missing_units=check.missing_units,
        extra_units=check.extra_units,
        lot_grams=lot.grams,
        expected_grams=check.expected_grams,
        received_grams=check.received_grams,
        tolerance_basis_points=check.tolerance_basis_points,
        evidence=" ".join(refs),
        contract_price_fen=contract.price_fen,
        status=DiscrepancyStatus.OPEN.value,
        opened_at=now,
        opened_by=actor.user_id,
    )
    repo.add(found)
    repo.stage(
        [
            *(
                LotDiscrepancyUnit(discrepancy_id=found.id, unit_code=c, kind="missing")
                for c in missing
            ),
            *(
                LotDiscrepancyUnit(discrepancy_id=found.id, unit_code=c, kind="extra")
                for c in extras
            ),
            LotDiscrepancyStatusChange(
                discrepancy_id=found.id,
                from_status="",
                to_status=found.status,
                event="open",
                actor_id=actor.user_id,
                at=now,
                note=found.kinds,
            ),
        ]
    )
    return found


def _decide(
    session: Session,
    lot: Lot,
    contract: Contract,
    found: LotDiscrepancy,
    *,
    event: DiscrepancyEvent,
    adjusted: Money,
    reason: str,
    user_id: int | None,
    fee_basis_points: int,
    now: datetime,
) -> None:
    before, after = found.apply(event)
    found.adjusted_price_fen = adjusted.minor
    found.decided_by = "rule" if event is DiscrepancyEvent.DECIDE_BY_RULE else "operator"
    found.reason = reason
    found.decided_at = now
    found.decided_by_user = user_id
    ReceptionRepository(session).stage(
        [
            LotDiscrepancyStatusChange(
                discrepancy_id=found.id,
                from_status=before,
                to_status=after,
                event=event.value,
                actor_id=user_id,
                at=now,
                note=f"adjusted price {adjusted.minor} fen: {reason}"[:500],
            )
        ]
    )
    _settle(session, lot, contract, adjusted=adjusted, fee_basis_points=fee_basis_points, now=now)
    transition_lot(
        session,
        lot,
        LotEvent.RESOLVE,
        user_id=user_id,
        now=now,
        note=f"{found.decided_by}: {reason}",
    )


def _settle(
    session: Session,
    lot: Lot,
    contract: Contract,
    *,
    adjusted: Money,
    fee_basis_points: int,
    now: datetime,
) -> None:
    """Release the contract price from escrow at `adjusted`: the fee, the plant's refund, and
    the station's share where its settlement tier sends it (`settlement.settle_at_reception`:
    repaying the fund's advance and the station's debt first, or into pending to be held)."""
    price = Money(contract.price_fen)
    shares = rules.settle(price, adjusted, fee_basis_points=fee_basis_points)
    lines = [ledger.debit(ledger.Accounts.ESCROW, price)]
    if shares.fee.is_positive():
        lines.append(ledger.credit(ledger.Accounts.PLATFORM_FEES, shares.fee))
    if shares.refund.is_positive():
        lines.append(ledger.credit(ledger.Accounts.party(contract.plant_id), shares.refund))
    settlement.settle_at_reception(
        session,
        source=f"lot:{lot.id}",
        seller_id=lot.station_id,
        payer_id=contract.plant_id,
        price=price,
        share=shares.station,
        lines=lines,
        idempotency_key=f"lot:{lot.id}:escrow-released",
        description=(
            "Escrow released to the station at reception, less the platform fee"
            if adjusted == price
            else "Escrow settled at the adjusted price; the rest refunded to the plant"
        ),
        now=now,
    )
