"""Each scored party's history on the platform, read across the domains' tables.

A read module (like `queries.py`): the statements name the tables of orders, custody
and exchange through lightweight `table()` constructs instead of importing those
domains' models, so the credit domain depends on no domain above identity and every
other domain (settlement in the ledger or the exchange) may ask it for a tier. The
tables and columns read are listed below; docs/adr/0018 says what each count means.

- volume and months active: `custody_event` (`unit:collect:door` to a collector,
  `unit:deliver:station` to a station) joined to `unit.door_grams`;
- collectors' on-time pickups, completions and cancellations: `pickup`
  (`collector_id`, `status`, `window_end`, `collected_at`);
- stations' on-time shipments, completions and cancellations: `contract`
  (`awarded_at`) and the lot's `ship` row in `lot_status_change`; withdrawn `lot`s;
- weight accuracy: the declared door mass of what the plant received (the
  discrepancy's `expected_grams` when units were missing, else `lot.grams`) against
  `lot.received_grams` (the plant's weighbridge);
- disputes: a lot received with no discrepancy, or one decided at the full price, is
  clean; a discrepancy decided below the contract price (by rule or by an operator),
  counting the units found later and paid for, is a dispute lost; one still open counts
  neither way yet (`lot_discrepancy`).
  A collector answers for every lot holding a unit it collected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, and_, case, column, func, select, table
from sqlalchemy.orm import Session

from ewaste.credit.rules import (
    ON_TIME_SHIPMENT,
    History,
    months_between,
    weighing_is_accurate,
)
from ewaste.db.types import UTCDateTime

COLLECT = "unit:collect:door"
DELIVER = "unit:deliver:station"

_event = table(
    "custody_event",
    column("unit_id", Integer),
    column("kind"),
    column("to_id", Integer),
    column("occurred_at", UTCDateTime()),
)
_unit = table("unit", column("id", Integer), column("door_grams", Integer))
_pickup = table(
    "pickup",
    column("collector_id", Integer),
    column("status"),
    column("window_end", UTCDateTime()),
    column("collected_at", UTCDateTime()),
)
_lot = table(
    "lot",
    column("id", Integer),
    column("station_id", Integer),
    column("status"),
    column("grams", Integer),
    column("received_grams", Integer),
)
_lot_unit = table(
    "lot_unit", column("lot_id", Integer), column("unit_id", Integer), column("released_at")
)
_discrepancy = table(
    "lot_discrepancy",
    column("id", Integer),
    column("lot_id", Integer),
    column("status"),
    column("expected_grams", Integer),
    column("contract_price_fen", Integer),
    column("adjusted_price_fen", Integer),
)
_found_unit = table(
    "lot_found_unit", column("discrepancy_id", Integer), column("paid_fen", Integer)
)
_found_paid = (
    select(func.coalesce(func.sum(_found_unit.c.paid_fen), 0))
    .where(_found_unit.c.discrepancy_id == _discrepancy.c.id)
    .scalar_subquery()
)
_lot_change = table(
    "lot_status_change", column("lot_id", Integer), column("event"), column("at", UTCDateTime())
)
_contract = table(
    "contract",
    column("lot_id", Integer),
    column("station_id", Integer),
    column("awarded_at", UTCDateTime()),
)

_OPEN_PICKUP = ("assigned", "adjustment_proposed")
_RECEIVED_LOT = ("received", "disputed")


@dataclass
class _Counts:
    volume_grams: int = 0
    first_at: datetime | None = None
    on_time: int = 0
    late: int = 0
    accurate: int = 0
    inaccurate: int = 0
    clean: int = 0
    disputes_lost: int = 0
    completed: int = 0
    cancelled: int = 0


def histories(
    session: Session, parties: Sequence[tuple[int, str]], *, now: datetime
) -> dict[int, History]:
    """{organisation id: its History as of `now`} for (id, role) pairs of collectors and
    stations, in a fixed number of statements whatever the number of parties."""
    counts: dict[int, _Counts] = {pid: _Counts() for pid, _ in parties}
    collectors = sorted(pid for pid, role in parties if role == "collector")
    stations = sorted(pid for pid, role in parties if role == "station")
    _volumes(session, counts, collectors + stations, now)
    if collectors:
        _pickups(session, counts, collectors, now)
        _collector_lots(session, counts, collectors)
    if stations:
        _shipments(session, counts, stations, now)
        _station_lots(session, counts, stations)
    return {
        pid: History(
            role=role,
            volume_grams=counts[pid].volume_grams,
            months_active=(
                months_between(first, now) if (first := counts[pid].first_at) is not None else 0
            ),
            on_time=counts[pid].on_time,
            late=counts[pid].late,
            accurate=counts[pid].accurate,
            inaccurate=counts[pid].inaccurate,
            clean=counts[pid].clean,
            disputes_lost=counts[pid].disputes_lost,
            completed=counts[pid].completed,
            cancelled=counts[pid].cancelled,
        )
        for pid, role in parties
    }


def _volumes(session: Session, counts: dict[int, _Counts], ids: list[int], now: datetime) -> None:
    if not ids:
        return
    stmt = (
        select(_event.c.to_id, func.sum(_unit.c.door_grams), func.min(_event.c.occurred_at))
        .join(_unit, _unit.c.id == _event.c.unit_id)
        .where(
            _event.c.kind.in_((COLLECT, DELIVER)),
            _event.c.to_id.in_(ids),
            _event.c.occurred_at <= now,
        )
        .group_by(_event.c.to_id)
    )
    for party, grams, first in session.execute(stmt):
        counts[party].volume_grams = int(grams or 0)
        counts[party].first_at = first


def _pickups(session: Session, counts: dict[int, _Counts], ids: list[int], now: datetime) -> None:
    on_time = case((_pickup.c.collected_at <= _pickup.c.window_end, 1), else_=0)
    overdue = case((_pickup.c.window_end < now, 1), else_=0)
    stmt = (
        select(_pickup.c.collector_id, _pickup.c.status, on_time, overdue, func.count())
        .where(
            _pickup.c.collector_id.in_(ids),
            _pickup.c.status.in_(("collected", "cancelled", *_OPEN_PICKUP)),
        )
        .group_by(_pickup.c.collector_id, _pickup.c.status, on_time, overdue)
    )
    for party, status, was_on_time, was_overdue, n in session.execute(stmt):
        c = counts[party]
        if status == "collected":
            c.completed += n
            if was_on_time:
                c.on_time += n
            else:
                c.late += n
        elif status == "cancelled":
            c.cancelled += n
        elif was_overdue:
            c.late += n


def _shipments(session: Session, counts: dict[int, _Counts], ids: list[int], now: datetime) -> None:
    shipped = (
        select(_lot_change.c.lot_id, func.min(_lot_change.c.at).label("at"))
        .where(_lot_change.c.event == "ship")
        .group_by(_lot_change.c.lot_id)
        .subquery()
    )
    stmt = (
        select(_contract.c.station_id, _contract.c.awarded_at, shipped.c.at)
        .outerjoin(shipped, shipped.c.lot_id == _contract.c.lot_id)
        .where(_contract.c.station_id.in_(ids), _contract.c.awarded_at <= now)
    )
    for party, awarded_at, shipped_at in session.execute(stmt):
        c = counts[party]
        due = awarded_at + ON_TIME_SHIPMENT
        if shipped_at is not None:
            c.completed += 1
            if shipped_at <= due:
                c.on_time += 1
            else:
                c.late += 1
        elif now > due:
            c.late += 1
    withdrawn = (
        select(_lot.c.station_id, func.count())
        .where(_lot.c.station_id.in_(ids), _lot.c.status == "withdrawn")
        .group_by(_lot.c.station_id)
    )
    for party, n in session.execute(withdrawn):
        counts[party].cancelled += n


_RECEPTION = (
    _lot.c.status,
    _lot.c.grams,
    _lot.c.received_grams,
    _discrepancy.c.status,
    _discrepancy.c.expected_grams,
    _discrepancy.c.contract_price_fen,
    # Units reported missing that turned up later were paid for too (exchange.found_units).
    _discrepancy.c.adjusted_price_fen + _found_paid,
)
Reception = tuple[str, int, int, str | None, int | None, int | None, int | None]


def _tally(c: _Counts, reception: Reception) -> None:
    """Count one received lot: its weighing, and its discrepancy's outcome if any."""
    _status, grams, received, d_status, expected, price, adjusted = reception
    declared = expected if expected is not None else grams
    if weighing_is_accurate(declared, received):
        c.accurate += 1
    else:
        c.inaccurate += 1
    if d_status is None:
        c.clean += 1
    elif d_status == "decided" and adjusted is not None and price is not None:
        if adjusted < price:
            c.disputes_lost += 1
        else:
            c.clean += 1


def _station_lots(session: Session, counts: dict[int, _Counts], ids: list[int]) -> None:
    stmt = (
        select(_lot.c.station_id, *_RECEPTION)
        .outerjoin(_discrepancy, _discrepancy.c.lot_id == _lot.c.id)
        .where(
            _lot.c.station_id.in_(ids),
            _lot.c.status.in_(_RECEIVED_LOT),
            _lot.c.received_grams.is_not(None),
        )
    )
    for party, *reception in session.execute(stmt):
        _tally(counts[party], tuple(reception))


def _collector_lots(session: Session, counts: dict[int, _Counts], ids: list[int]) -> None:
    stmt = (
        select(_event.c.to_id, _lot.c.id, *_RECEPTION)
        .distinct()
        .join(_lot_unit, _lot_unit.c.unit_id == _event.c.unit_id)
        .join(_lot, _lot.c.id == _lot_unit.c.lot_id)
        .outerjoin(_discrepancy, _discrepancy.c.lot_id == _lot.c.id)
        .where(
            and_(
                _event.c.kind == COLLECT,
                _event.c.to_id.in_(ids),
                _lot_unit.c.released_at.is_(None),  # found back at the station: not in it
                _lot.c.status.in_(_RECEIVED_LOT),
                _lot.c.received_grams.is_not(None),
            )
        )
    )
    for party, _lot_id, *reception in session.execute(stmt):
        _tally(counts[party], tuple(reception))


def volumes_between(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    """{organisation id: grams taken into its custody in [start, end)} for every collector
    (collected at the door) and station (delivered to it) with any volume."""
    stmt = (
        select(_event.c.to_id, func.sum(_unit.c.door_grams))
        .join(_unit, _unit.c.id == _event.c.unit_id)
        .where(
            _event.c.kind.in_((COLLECT, DELIVER)),
            _event.c.occurred_at >= start,
            _event.c.occurred_at < end,
        )
        .group_by(_event.c.to_id)
    )
    return {int(party): int(grams) for party, grams in session.execute(stmt) if grams}
