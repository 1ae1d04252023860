"""A unit the reception reported missing that turns up at the plant afterwards (ADR 0015).

The reception recorded it missing (`unit:missing:reception`: the station stays its holder)
and the lot's discrepancy was decided without it. When the plant finds it after all — a
label scanned late, a unit left in the truck — it receives it on the lot: the unit passes
into the plant's custody (a reception after the missing report, same giver and receiver),
it is recorded as found (`lot_found_unit`, append-only) and a line joins the
discrepancy's history, and the plant pays the station for it from its balance: the share
the pro rata rule gives one more unit received, never beyond the contract price
(`rules.price_of_found_unit`), less the platform fee, through the station's settlement
tier like any sale (`settlement.settle_at_reception`, source `lot:{id}:found:{unit}`).

When the station that shipped the lot finds it at home instead — never loaded — it takes
it back into its stock (`unit_found_at_station`): custody `unit:find:station`, the unit
leaves the lot (its membership released, so it can be listed again), it is recorded as
found at the station, and no money moves — the plant paid only for the units it received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import custody, identity, ledger, settlement
from ewaste.exchange import rules
from ewaste.exchange.access import access_lot
from ewaste.exchange.models import (
    Contract,
    Lot,
    LotDiscrepancy,
    LotDiscrepancyStatusChange,
    LotFoundUnit,
)
from ewaste.exchange.reception import DiscrepancyView, discrepancy_view
from ewaste.exchange.reception_repository import ReceptionRepository
from ewaste.exchange.repository import MarketRepository
from ewaste.exchange.rules import DiscrepancyNotFound, DiscrepancyStatus
from ewaste.identity import Actor, Permission
from ewaste.kernel.money import Money


def receive_found_unit(
    session: Session,
    *,
    actor: Actor,
    lot_id: int,
    unit_code: str,
    now: datetime,
    fee_basis_points: int,
    evidence: Sequence[str] = (),
) -> DiscrepancyView:
    """The plant that received the lot receives one of its units reported missing, found
    afterwards, and pays for it (the module says how). Returns the discrepancy as it is now.

    Raises LotNotFound (not this plant's lot), DiscrepancyNotFound (the reception matched),
    DiscrepancyStillOpen (an operator has not decided it yet), InvalidUnitCode,
    UnitNotMissing (not a unit of the lot reported missing, or already found),
    InvalidEvidence, and InsufficientFunds (the plant's balance cannot pay). Nothing is
    written when any is raised.
    """
    lot, found, code, refs = _discrepancy_of(
        session, actor, lot_id, unit_code, evidence, permission=Permission.PLANT_LOT_RECEIVE
    )
    repo = ReceptionRepository(session)
    if found.status != DiscrepancyStatus.DECIDED.value:
        raise rules.DiscrepancyStillOpen(lot_id=lot_id)
    earlier = _still_missing(repo, found, code, lot_id=lot_id)
    paid_before = (found.adjusted_price_fen or 0) + sum(f.paid_fen for f in earlier)
    price = rules.price_of_found_unit(
        Money(found.contract_price_fen),
        lot_units=found.lot_units,
        # Units found back at the station never reached the plant: not received.
        received_units=found.received_units + sum(1 for f in earlier if f.place == "plant"),
        paid=Money(paid_before),
    )
    contract = MarketRepository(session).contract_of_lot(lot.id)
    assert contract is not None  # a lot with a discrepancy was awarded
    if price.is_positive():
        _pay(
            contract,
            station_id=lot.station_id,
            unit=code,
            lot_id=lot.id,
            price=price,
            fee_basis_points=fee_basis_points,
            session=session,
            now=now,
        )
    _record_find(
        session,
        repo,
        actor,
        lot=lot,
        found=found,
        code=code,
        find=_Find(
            custody.HandoverKind.RECEIVE,
            "plant",
            price.minor,
            "unit_found",
            f"unit {code} found at the plant; the plant paid {price.minor} fen",
        ),
        refs=refs,
        now=now,
    )
    lot.received_units = (lot.received_units or 0) + 1
    session.flush()
    return discrepancy_view(session, found)


def unit_found_at_station(
    session: Session,
    *,
    actor: Actor,
    lot_id: int,
    unit_code: str,
    now: datetime,
    evidence: Sequence[str] = (),
) -> DiscrepancyView:
    """The station that shipped the lot finds at home one of its units the reception
    reported missing: the unit is back in its stock and out of the lot (the module says
    how). Returns the discrepancy as it is now.

    Raises LotNotFound (not this station's lot), DiscrepancyNotFound (the reception
    matched), InvalidUnitCode, UnitNotMissing (not a unit of the lot reported missing, or
    found already, here or at the plant), UnitPaidFor (an operator's decision paid the
    station more than the pro rata price of the units the plant has: the plant paid for
    this one, which is then not the station's to sell again) and InvalidEvidence. Nothing
    is written when any is raised. The discrepancy may still wait for an operator: the
    unit was not received either way, and the operator then decides knowing it.
    """
    lot, found, code, refs = _discrepancy_of(
        session, actor, lot_id, unit_code, evidence, permission=Permission.STATION_LOT_SHIP
    )
    repo = ReceptionRepository(session)
    earlier = _still_missing(repo, found, code, lot_id=lot_id)
    if found.status == DiscrepancyStatus.DECIDED.value:
        at_plant = found.received_units + sum(1 for f in earlier if f.place == "plant")
        paid = (found.adjusted_price_fen or 0) + sum(f.paid_fen for f in earlier)
        fair = rules.price_by_rule(
            Money(found.contract_price_fen), lot_units=found.lot_units, received_units=at_plant
        )
        if paid > fair.minor:  # an operator's decision paid for more than the plant has
            raise rules.UnitPaidFor(unit_code=code, lot_id=lot_id)
    repo.release_unit(lot.id, code, at=now)
    _record_find(
        session,
        repo,
        actor,
        lot=lot,
        found=found,
        code=code,
        find=_Find(
            custody.HandoverKind.FIND,
            "station",
            0,
            "unit_found_at_station",
            f"unit {code} found at the station, never loaded; back in its stock",
        ),
        refs=refs,
        now=now,
    )
    session.flush()
    return discrepancy_view(session, found)


def _discrepancy_of(
    session: Session,
    actor: Actor,
    lot_id: int,
    unit_code: str,
    evidence: Sequence[str],
    *,
    permission: Permission,
) -> tuple[Lot, LotDiscrepancy, str, list[str]]:
    """The lot (row-locked, reached with `permission`), its discrepancy (row-locked), the
    unit code parsed and the evidence references checked; LotNotFound, InvalidEvidence,
    InvalidUnitCode or DiscrepancyNotFound (the reception matched) otherwise."""
    lot = access_lot(session, actor=actor, lot_id=lot_id, permission=permission, for_update=True)
    refs = rules.check_references(evidence)
    code = custody.parse_unit_code(unit_code)
    found = ReceptionRepository(session).discrepancy_of_lot(lot.id, for_update=True)
    if found is None:
        raise DiscrepancyNotFound(lot_id=lot_id)
    return lot, found, code, list(refs)


def _still_missing(
    repo: ReceptionRepository, found: LotDiscrepancy, code: str, *, lot_id: int
) -> Sequence[LotFoundUnit]:
    """The units of the discrepancy found so far; UnitNotMissing unless `code` is one its
    reception reported missing and not among them."""
    missing = {u.unit_code for u in repo.discrepancy_units(found.id) if u.kind == "missing"}
    earlier = repo.found_units(found.id)
    if code not in missing or code in {f.unit_code for f in earlier}:
        raise rules.UnitNotMissing(unit_code=code, lot_id=lot_id)
    return earlier


@dataclass(frozen=True, slots=True)
class _Find:
    """Where a missing unit turned up and what that records."""

    kind: custody.HandoverKind  # RECEIVE at the plant, FIND at the station
    place: str
    paid_fen: int
    event: str
    note: str


def _record_find(
    session: Session,
    repo: ReceptionRepository,
    actor: Actor,
    *,
    lot: Lot,
    found: LotDiscrepancy,
    code: str,
    find: _Find,
    refs: Sequence[str],
    now: datetime,
) -> None:
    """The unit passes to the finder (the plant, or back to the station that held it), is
    recorded as found, and the discrepancy's history says so."""
    finder = identity.organisation_row(session, actor.organisation_id)
    custody.hand_over(
        session,
        actor=actor,
        unit_codes=[code],
        handover=custody.Handover(
            kind=find.kind,
            from_id=lot.station_id,
            to_id=actor.organisation_id,
            at=now,
            place=finder.location if finder else None,
            ref=f"lot:{lot.id}",
            evidence=" ".join(refs)[:200],
        ),
    )
    repo.add_found_unit(
        LotFoundUnit(
            discrepancy_id=found.id,
            unit_code=code,
            found_at=now,
            found_by=actor.user_id,
            paid_fen=find.paid_fen,
            place=find.place,
        )
    )
    change = LotDiscrepancyStatusChange(
        discrepancy_id=found.id,
        from_status=found.status,
        to_status=found.status,
        event=find.event,
        actor_id=actor.user_id,
        at=now,
        note=find.note,
    )
    repo.stage([change])


def _pay(
    contract: Contract,
    *,
    station_id: int,
    unit: str,
    lot_id: int,
    price: Money,
    fee_basis_points: int,
    session: Session,
    now: datetime,
) -> None:
    """The plant pays `price` for the unit: the platform its fee, the station the rest
    through its settlement tier (a new station's share is held, like any sale's)."""
    shares = rules.settle(price, price, fee_basis_points=fee_basis_points)
    lines = [ledger.debit(ledger.Accounts.party(contract.plant_id), price)]
    if shares.fee.is_positive():
        lines.append(ledger.credit(ledger.Accounts.PLATFORM_FEES, shares.fee))
    source = f"lot:{lot_id}:found:{unit}"
    settlement.settle_at_reception(
        session,
        source=source,
        seller_id=station_id,
        payer_id=contract.plant_id,
        price=price,
        share=shares.station,
        lines=lines,
        idempotency_key=f"{source}:paid",
        description="A unit missing at reception turned up at the plant: its share of the "
        "price, less the platform fee",
        now=now,
    )
