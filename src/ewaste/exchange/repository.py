"""Every statement that loads or writes receipts and lots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ewaste.db.session import is_sqlite
from ewaste.exchange.models import (
    Auction,
    AuctionBid,
    Contract,
    Lot,
    LotStatusChange,
    LotUnit,
    PlantAssessment,
    PlantLicence,
    PlantLicenceCategory,
    StandingBid,
    StationReceipt,
)
from ewaste.exchange.rules import (
    AssessmentStatus,
    AuctionStatus,
    LicenceTerm,
    LotStatus,
    StandingBidStatus,
)


class ExchangeRepository:
    """Loads and stores station receipts, lots and lot membership."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lot(self, lot_id: int) -> Lot | None:
        """The lot with this id, if any."""
        return self._session.get(Lot, lot_id)

    def lot_for_update(self, lot_id: int) -> Lot | None:
        """The lot with this id, row-locked on PostgreSQL."""
        return self._session.scalars(
            select(Lot).where(Lot.id == lot_id).with_for_update()
        ).one_or_none()

    def lots_for_update(self, lot_ids: Sequence[int]) -> Sequence[Lot]:
        """The lots with these ids, row-locked in id order on PostgreSQL."""
        stmt = select(Lot).where(Lot.id.in_(sorted(lot_ids))).order_by(Lot.id).with_for_update()
        return self._session.scalars(stmt).all()

    def lot_units(self, lot_id: int) -> Sequence[LotUnit]:
        """The lot's unit memberships, by unit id."""
        stmt = select(LotUnit).where(LotUnit.lot_id == lot_id).order_by(LotUnit.unit_id)
        return self._session.scalars(stmt).all()

    def lots_of_units(self, unit_ids: Sequence[int]) -> dict[int, int]:
        """{unit id: lot id} for those of the units in a lot now (not released from it)."""
        stmt = select(LotUnit.unit_id, LotUnit.lot_id).where(
            LotUnit.unit_id.in_(unit_ids), LotUnit.released_at.is_(None)
        )
        return {int(u): int(lot) for u, lot in self._session.execute(stmt)}

    def add(
        self,
        obj: Lot
        | StationReceipt
        | PlantLicence
        | PlantAssessment
        | Auction
        | AuctionBid
        | StandingBid
        | Contract,
    ) -> None:
        """Stage and flush a new row."""
        self._session.add(obj)
        self._session.flush()

    def add_lot_units(self, units: Sequence[LotUnit]) -> None:
        """Record lot membership."""
        self._session.add_all(units)
        self._session.flush()

    def add_change(self, change: LotStatusChange) -> None:
        """Append a history row."""
        self._session.add(change)

    def store_lots(self, lots: Sequence[Lot]) -> None:
        """Write the status, buyer and sale method of many row-locked lots in one executemany
        (the ORM updates versioned rows one statement each), each row's version checked and
        moved on as the ORM would, and mark the lots clean. Raises StaleDataError when a
        version does not match."""
        table = cast(Table, Lot.__table__)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("lot_id"), table.c.version == bindparam("old"))
            .values(
                status=bindparam("new_status"),
                plant_id=bindparam("new_plant"),
                sale_method=bindparam("new_method"),
                version=bindparam("new"),
            )
        )
        params = [
            {
                "lot_id": lot.id,
                "old": lot.version,
                "new": lot.version + 1,
                "new_status": lot.status,
                "new_plant": lot.plant_id,
                "new_method": lot.sale_method,
            }
            for lot in sorted(lots, key=lambda lot: lot.id)
        ]
        if not params:
            return
        with self._session.no_autoflush:
            result = cast(CursorResult[Any], self._session.execute(stmt, params))
        if result.rowcount != len(params):
            raise StaleDataError(f"{len(params) - result.rowcount} lot(s) changed underneath")
        for lot, p in zip(sorted(lots, key=lambda lot: lot.id), params, strict=True):
            for name in ("status", "plant_id", "sale_method"):
                set_committed_value(lot, name, getattr(lot, name))
            set_committed_value(lot, "version", p["new"])


class MarketRepository:
    """Loads and stores licences, assessments, auctions, bids, standing bids and contracts."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # --- who may buy ---------------------------------------------------------------------

    def add_licence_categories(self, rows: Sequence[PlantLicenceCategory]) -> None:
        """Record a licence's categories."""
        self._session.add_all(rows)
        self._session.flush()

    def licence_number_taken(self, number: str) -> bool:
        """True when a licence with this number is recorded."""
        stmt = select(PlantLicence.id).where(PlantLicence.number == number)
        return self._session.scalar(stmt) is not None

    def licences(self, plant_id: int) -> Sequence[PlantLicence]:
        """The plant's licences, newest first."""
        stmt = (
            select(PlantLicence)
            .where(PlantLicence.plant_id == plant_id)
            .order_by(PlantLicence.valid_to.desc(), PlantLicence.id.desc())
        )
        return self._session.scalars(stmt).all()

    def licence_categories(self, licence_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """{licence id: {category: annual units}}."""
        out: dict[int, dict[str, int]] = {i: {} for i in licence_ids}
        if not licence_ids:
            return out
        stmt = select(
            PlantLicenceCategory.licence_id,
            PlantLicenceCategory.category_code,
            PlantLicenceCategory.annual_units,
        ).where(PlantLicenceCategory.licence_id.in_(licence_ids))
        for licence_id, category, units in self._session.execute(stmt):
            out[int(licence_id)][str(category)] = int(units)
        return out

    def licence_terms(self, plant_id: int) -> tuple[LicenceTerm, ...]:
        """The plant's licences as the eligibility rule reads them."""
        licences = self.licences(plant_id)
        units = self.licence_categories([lic.id for lic in licences])
        return tuple(LicenceTerm(lic.valid_from, lic.valid_to, units[lic.id]) for lic in licences)

    def assessment(self, assessment_id: int, *, for_update: bool = False) -> PlantAssessment | None:
        """One assessment (row-locked on PostgreSQL when asked)."""
        stmt = select(PlantAssessment).where(PlantAssessment.id == assessment_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def assessments(self, plant_id: int) -> Sequence[PlantAssessment]:
        """The plant's assessments, newest first."""
        stmt = (
            select(PlantAssessment)
            .where(PlantAssessment.plant_id == plant_id)
            .order_by(PlantAssessment.id.desc())
        )
        return self._session.scalars(stmt).all()

    def assessment_passed(self, plant_id: int) -> bool:
        """True when the plant's latest reviewed assessment passed."""
        stmt = (
            select(PlantAssessment.status)
            .where(
                PlantAssessment.plant_id == plant_id,
                PlantAssessment.status != AssessmentStatus.SUBMITTED.value,
            )
            .order_by(PlantAssessment.reviewed_at.desc(), PlantAssessment.id.desc())
            .limit(1)
        )
        return self._session.scalar(stmt) == AssessmentStatus.PASSED.value

    def eligibility(
        self, plant_id: int, category: str, *, start: datetime, end: datetime
    ) -> tuple[tuple[LicenceTerm, ...], bool, int]:
        """What the eligibility rule needs, in one statement: the plant's licences (each with
        the annual units of `category` only), whether its latest reviewed assessment passed,
        and the units of `category` in its contracts awarded in [start, end).

        No licence, no row: the rule then stops at NoLicence before the other two facts.
        """
        latest_review = (
            select(PlantAssessment.status)
            .where(
                PlantAssessment.plant_id == plant_id,
                PlantAssessment.status != AssessmentStatus.SUBMITTED.value,
            )
            .order_by(PlantAssessment.reviewed_at.desc(), PlantAssessment.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        contracted = (
            select(func.coalesce(func.sum(Contract.unit_count), 0))
            .where(
                Contract.plant_id == plant_id,
                Contract.category_code == category,
                Contract.awarded_at >= start,
                Contract.awarded_at < end,
            )
            .scalar_subquery()
        )
        stmt = (
            select(
                PlantLicence.valid_from,
                PlantLicence.valid_to,
                PlantLicenceCategory.annual_units,
                latest_review,
                contracted,
            )
            .outerjoin(
                PlantLicenceCategory,
                (PlantLicenceCategory.licence_id == PlantLicence.id)
                & (PlantLicenceCategory.category_code == category),
            )
            .where(PlantLicence.plant_id == plant_id)
            .order_by(PlantLicence.id)
        )
        rows = self._session.execute(stmt).all()
        if not rows:
            return (), False, 0
        terms = tuple(
            LicenceTerm(r[0], r[1], {category: int(r[2])} if r[2] is not None else {}) for r in rows
        )
        return terms, rows[0][3] == AssessmentStatus.PASSED.value, int(rows[0][4] or 0)

    def contracted_units(self, plant_id: int, *, start: datetime, end: datetime) -> dict[str, int]:
        """{category: units} of the plant's contracts awarded in [start, end)."""
        stmt = (
            select(Contract.category_code, func.sum(Contract.unit_count))
            .where(
                Contract.plant_id == plant_id,
                Contract.awarded_at >= start,
                Contract.awarded_at < end,
            )
            .group_by(Contract.category_code)
        )
        return {str(c): int(n or 0) for c, n in self._session.execute(stmt)}

    # --- contracts ---------------------------------------------------------------------------

    def contract_of_lot(self, lot_id: int) -> Contract | None:
        """The lot's contract, if awarded."""
        return self._session.scalars(
            select(Contract).where(Contract.lot_id == lot_id)
        ).one_or_none()

    def contract(self, contract_id: int) -> Contract | None:
        """The contract with this id."""
        return self._session.get(Contract, contract_id)

    def contracts_of_party(self, party_id: int | None, *, limit: int) -> Sequence[Contract]:
        """Contracts newest first: those where `party_id` is the buyer or the seller, or every
        contract when `party_id` is None (staff)."""
        stmt = select(Contract).order_by(Contract.id.desc()).limit(limit)
        if party_id is not None:
            stmt = stmt.where(or_(Contract.plant_id == party_id, Contract.station_id == party_id))
        return self._session.scalars(stmt).all()

    # --- auctions ----------------------------------------------------------------------------

    def auction_of_lot(self, lot_id: int) -> Auction | None:
        """The lot's auction, if it is sold by auction."""
        return self._session.scalars(select(Auction).where(Auction.lot_id == lot_id)).one_or_none()

    def due_auctions(self, now: datetime, *, limit: int) -> Sequence[Auction]:
        """Open auctions whose closing time has come, oldest first, claimed with SKIP LOCKED on
        PostgreSQL so that parallel workers take disjoint auctions."""
        stmt = (
            select(Auction)
            .where(Auction.status == AuctionStatus.OPEN.value, Auction.closes_at <= now)
            .order_by(Auction.closes_at, Auction.id)
            .limit(limit)
        )
        if not is_sqlite(self._session):
            stmt = stmt.with_for_update(skip_locked=True)
        return self._session.scalars(stmt).all()

    def bids(self, auction_id: int) -> Sequence[AuctionBid]:
        """Every bid of the auction, in the order placed."""
        stmt = (
            select(AuctionBid)
            .where(AuctionBid.auction_id == auction_id)
            .order_by(AuctionBid.placed_at, AuctionBid.id)
        )
        return self._session.scalars(stmt).all()

    def bids_of_auctions(self, auction_ids: Sequence[int]) -> dict[int, list[AuctionBid]]:
        """{auction id: its bids in the order placed} for many auctions, in one statement."""
        out: dict[int, list[AuctionBid]] = {i: [] for i in auction_ids}
        stmt = (
            select(AuctionBid)
            .where(AuctionBid.auction_id.in_(sorted(auction_ids)))
            .order_by(AuctionBid.placed_at, AuctionBid.id)
        )
        for bid in self._session.scalars(stmt):
            out[bid.auction_id].append(bid)
        return out

    def bid_of(self, auction_id: int, plant_id: int) -> AuctionBid | None:
        """The plant's bid in this auction, if any."""
        stmt = select(AuctionBid).where(
            AuctionBid.auction_id == auction_id, AuctionBid.plant_id == plant_id
        )
        return self._session.scalars(stmt).one_or_none()

    # --- standing bids -----------------------------------------------------------------------

    def standing_bid(self, bid_id: int, *, for_update: bool = False) -> StandingBid | None:
        """One standing bid (row-locked on PostgreSQL when asked)."""
        stmt = select(StandingBid).where(StandingBid.id == bid_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self._session.scalars(stmt).one_or_none()

    def standing_bids_of(self, plant_id: int | None, *, limit: int) -> Sequence[StandingBid]:
        """Standing bids newest first: the plant's, or every plant's when `plant_id` is None."""
        stmt = select(StandingBid).order_by(StandingBid.id.desc()).limit(limit)
        if plant_id is not None:
            stmt = stmt.where(StandingBid.plant_id == plant_id)
        return self._session.scalars(stmt).all()

    def open_standing_bids(
        self, categories: Sequence[str]
    ) -> list[tuple[int, int, str, str, int, int, int, str, int, datetime]]:
        """Every open standing bid of the categories, row-locked in id order (PostgreSQL), as
        (id, plant id, category, basis, price fen, radius km, units a month, used month, used
        units, posted at): the book a batch of lots is matched against under its locks."""
        stmt = (
            select(
                StandingBid.id,
                StandingBid.plant_id,
                StandingBid.category_code,
                StandingBid.basis,
                StandingBid.price_fen,
                StandingBid.radius_km,
                StandingBid.units_per_month,
                StandingBid.used_month,
                StandingBid.used_units,
                StandingBid.posted_at,
            )
            .where(
                StandingBid.category_code.in_(sorted(categories)),
                StandingBid.status == StandingBidStatus.OPEN.value,
            )
            .order_by(StandingBid.id)
            .with_for_update()
        )
        return [
            (int(i), int(p), str(c), str(b), int(f), int(r), int(m), str(um), int(u), at)
            for i, p, c, b, f, r, m, um, u, at in self._session.execute(stmt)
        ]

    def record_bid_usage(self, usage: Sequence[tuple[int, str, int]]) -> None:
        """Store (bid id, month, units used that month) for bids the caller holds locked;
        each bid's version moves on, as the ORM's own update would."""
        if not usage:
            return
        table = cast(Table, StandingBid.__table__)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("bid_id"))
            .values(
                used_month=bindparam("month"),
                used_units=bindparam("units"),
                version=table.c.version + 1,
            )
        )
        self._session.execute(
            stmt, [{"bid_id": i, "month": m, "units": n} for i, m, n in sorted(usage)]
        )

    def lock_capacity(self, plant_ids: Sequence[int]) -> None:
        """Take the plants' licence rows (plant id order, FOR NO KEY UPDATE on PostgreSQL) so
        that awards to one plant queue: the next award reads the capacity the previous one
        used, and two cannot both spend the same units. Call before reading eligibility."""
        ids = sorted(set(plant_ids))
        if ids:
            self._session.execute(
                select(PlantLicence.id)
                .where(PlantLicence.plant_id.in_(ids))
                .order_by(PlantLicence.plant_id, PlantLicence.id)
                .with_for_update(key_share=True)
            ).all()

    def eligibility_of_plants(
        self, plant_ids: Sequence[int], *, start: datetime, end: datetime
    ) -> dict[int, tuple[tuple[LicenceTerm, ...], bool, dict[str, int]]]:
        """For each plant: its licences, whether its latest reviewed assessment passed, and
        {category: units} of its contracts awarded in [start, end). Three statements."""
        ids = sorted(set(plant_ids))
        out: dict[int, tuple[tuple[LicenceTerm, ...], bool, dict[str, int]]] = {}
        if not ids:
            return out
        licence_rows = self._session.execute(
            select(
                PlantLicence.plant_id,
                PlantLicence.id,
                PlantLicence.valid_from,
                PlantLicence.valid_to,
                PlantLicenceCategory.category_code,
                PlantLicenceCategory.annual_units,
            )
            .outerjoin(PlantLicenceCategory, PlantLicenceCategory.licence_id == PlantLicence.id)
            .where(PlantLicence.plant_id.in_(ids))
            .order_by(PlantLicence.plant_id, PlantLicence.id)
        ).all()
        reviews = self._session.execute(
            select(
                PlantAssessment.plant_id,
                PlantAssessment.status,
                PlantAssessment.reviewed_at,
                PlantAssessment.id,
            ).where(
                PlantAssessment.plant_id.in_(ids),
                PlantAssessment.status != AssessmentStatus.SUBMITTED.value,
            )
        ).all()
        used = self._session.execute(
            select(Contract.plant_id, Contract.category_code, func.sum(Contract.unit_count))
            .where(
                Contract.plant_id.in_(ids),
                Contract.awarded_at >= start,
                Contract.awarded_at < end,
            )
            .group_by(Contract.plant_id, Contract.category_code)
        ).all()
        terms: dict[int, dict[int, tuple[date, date, dict[str, int]]]] = {i: {} for i in ids}
        for plant, licence, start_on, end_on, category, units in licence_rows:
            held = terms[int(plant)].setdefault(int(licence), (start_on, end_on, {}))
            if category is not None:
                held[2][str(category)] = int(units)
        latest: dict[int, tuple[datetime, int, str]] = {}
        for plant, status, reviewed_at, row_id in reviews:
            if reviewed_at is None:  # a review always sets it; a hand-made row may not
                continue
            key = (reviewed_at, int(row_id), str(status))
            if int(plant) not in latest or key[:2] > latest[int(plant)][:2]:
                latest[int(plant)] = key
        contracted: dict[int, dict[str, int]] = {i: {} for i in ids}
        for plant, category, units in used:
            contracted[int(plant)][str(category)] = int(units or 0)
        for i in ids:
            licences = tuple(LicenceTerm(a, b, u) for a, b, u in terms[i].values())
            passed = i in latest and latest[i][2] == AssessmentStatus.PASSED.value
            out[i] = (licences, passed, contracted[i])
        return out

    def stage(self, objs: Sequence[Contract | LotStatusChange]) -> None:
        """Add new rows for the next flush (which writes each table in one statement)."""
        self._session.add_all(objs)

    def best_standing_bids(
        self, *, category: str, units: int, grams: int, month: str
    ) -> list[tuple[int, int, int, int, datetime]]:
        """For a lot of `units` and `grams` of `category`: each plant's best open bid per
        radius that still has `units` left this month, as (bid id, plant id, radius km,
        gross fen, posted at).

        One indexed statement (category, status) with a window function: at most one row
        per plant and radius comes back, however many bids are open. The gross price is
        the integer expression of `rules.gross_fen`.
        """
        gross = case(
            (StandingBid.basis == "unit", StandingBid.price_fen * units),
            else_=(StandingBid.price_fen * grams) // 1000,
        )
        left = case(
            (StandingBid.used_month == month, StandingBid.units_per_month - StandingBid.used_units),
            else_=StandingBid.units_per_month,
        )
        rank = (
            func.row_number()
            .over(
                partition_by=(StandingBid.plant_id, StandingBid.radius_km),
                order_by=(gross.desc(), StandingBid.posted_at, StandingBid.id),
            )
            .label("rank")
        )
        inner = (
            select(
                StandingBid.id.label("bid_id"),
                StandingBid.plant_id.label("plant_id"),
                StandingBid.radius_km.label("radius_km"),
                gross.label("gross"),
                StandingBid.posted_at.label("posted_at"),
                rank,
            )
            .where(
                StandingBid.category_code == category,
                StandingBid.status == StandingBidStatus.OPEN.value,
                left >= units,
            )
            .subquery()
        )
        stmt = select(
            inner.c.bid_id, inner.c.plant_id, inner.c.radius_km, inner.c.gross, inner.c.posted_at
        ).where(inner.c.rank == 1)
        return [
            (int(bid), int(plant), int(radius), int(gross), posted)
            for bid, plant, radius, gross, posted in self._session.execute(stmt)
        ]

    # --- the market board --------------------------------------------------------------------

    def listed_by_method(self) -> dict[str, tuple[int, int]]:
        """{sale method: (listed lots, their units)}."""
        stmt = (
            select(Lot.sale_method, func.count(Lot.id), func.coalesce(func.sum(Lot.unit_count), 0))
            .where(Lot.status == LotStatus.LISTED.value)
            .group_by(Lot.sale_method)
        )
        return {str(m): (int(n), int(u)) for m, n, u in self._session.execute(stmt)}

    def auctions_closing(
        self, now: datetime, *, limit: int
    ) -> list[tuple[int, str, int, int, datetime, int]]:
        """Open auctions not yet closed, soonest first, as (lot id, category, units, reserve
        fen, closes at, bids placed)."""
        bids = (
            select(func.count(AuctionBid.id))
            .where(AuctionBid.auction_id == Auction.id)
            .scalar_subquery()
        )
        stmt = (
            select(
                Lot.id,
                Lot.category_code,
                Lot.unit_count,
                Auction.reserve_fen,
                Auction.closes_at,
                bids,
            )
            .join(Lot, Lot.id == Auction.lot_id)
            .where(Auction.status == AuctionStatus.OPEN.value, Auction.closes_at > now)
            .order_by(Auction.closes_at, Auction.id)
            .limit(limit)
        )
        return [
            (int(i), str(c), int(u), int(r), at, int(n or 0))
            for i, c, u, r, at, n in self._session.execute(stmt)
        ]

    def open_bids_for_board(self) -> list[tuple[int, str, str, int, int]]:
        """Every open standing bid as (plant id, category, basis, price fen, radius km)."""
        stmt = select(
            StandingBid.plant_id,
            StandingBid.category_code,
            StandingBid.basis,
            StandingBid.price_fen,
            StandingBid.radius_km,
        ).where(StandingBid.status == StandingBidStatus.OPEN.value)
        return [
            (int(p), str(c), str(b), int(f), int(r))
            for p, c, b, f, r in self._session.execute(stmt)
        ]
