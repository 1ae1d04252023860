"""Station receipts, lots, their units and status history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.exchange.rules import (
    AssessmentEvent,
    AssessmentScore,
    AssessmentStatus,
    AuctionEvent,
    AuctionStatus,
    ContractStatus,
    DiscrepancyEvent,
    DiscrepancyStatus,
    LotEvent,
    LotStatus,
    SaleMethod,
    StandingBidEvent,
    StandingBidStatus,
    next_assessment_status,
    next_auction_status,
    next_contract_status,
    next_discrepancy_status,
    next_lot_status,
    next_standing_bid_status,
)

_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in LotStatus)


class StationReceipt(Base):
    """A delivery of units by a collector to a station, scanned in and paid for."""

    __tablename__ = "station_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit_count: Mapped[int] = mapped_column(Integer)
    grams: Mapped[int] = mapped_column(Integer)
    """Door mass of the units received, grams."""
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    """Paid by the station to the collector, fen CNY."""


class Lot(Base):
    """Units of one category at one station, offered to licensed plants."""

    __tablename__ = "lot"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status_known"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("unit_count > 0", name="unit_count_positive"),
        # The worker's standing-bid queue: listed lots waiting for matching, oldest first.
        Index("ix_lot_match_queue", "sale_method", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"), index=True)
    hazardous: Mapped[bool] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), index=True)
    unit_count: Mapped[int] = mapped_column(Integer)
    grams: Mapped[int] = mapped_column(Integer)
    """Sum of the units' door masses, grams."""
    price_fen: Mapped[int] = mapped_column(BigInteger)
    """Asking price of the whole lot, fen CNY: the fixed price, or an auction's reserve."""
    sale_method: Mapped[str] = mapped_column(
        String(14),
        default=SaleMethod.FIXED_PRICE.value,
        server_default=SaleMethod.FIXED_PRICE.value,
    )
    """How the lot is sold (SaleMethod)."""
    plant_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_units: Mapped[int | None] = mapped_column(Integer, nullable=True)
    received_grams: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Weighbridge mass at the plant, grams."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: LotEvent) -> tuple[str, str]:
        """Move along the table; return (from, to) for the history row."""
        before = self.status
        self.status = next_lot_status(LotStatus(before), event).value
        return before, self.status


class LotUnit(Base):
    """Membership of a unit in a lot; a unit belongs to at most one lot at a time. A unit
    reported missing at reception and found back at its station leaves the lot then
    (`released_at`) and may be listed again; the row stays, as the lot's history."""

    __tablename__ = "lot_unit"
    __table_args__ = (
        Index(
            "uq_lot_unit_unit_id_held",
            "unit_id",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(20))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LotStatusChange(Base):
    """Append-only history of a lot's transitions."""

    __tablename__ = "lot_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    event: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(300), default="")


class PlantLicence(Base):
    """A dismantling licence: number, province, validity, annual units per category."""

    __tablename__ = "plant_licence"
    __table_args__ = (CheckConstraint("valid_from <= valid_to", name="valid_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    province: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlantLicenceCategory(Base):
    """One licensed category of a licence, with its annual capacity in units."""

    __tablename__ = "plant_licence_category"
    __table_args__ = (
        UniqueConstraint("licence_id", "category_code"),
        CheckConstraint("annual_units > 0", name="annual_units_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(ForeignKey("plant_licence.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    annual_units: Mapped[int] = mapped_column(Integer)


_ASSESSMENT_VALUES = "'submitted', 'passed', 'failed'"


class PlantAssessment(Base):
    """A conformity assessment: checklist answers, scores, an operator's review."""

    __tablename__ = "plant_assessment"
    __table_args__ = (CheckConstraint(f"status IN ({_ASSESSMENT_VALUES})", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    answers: Mapped[str] = mapped_column(String(2000))
    """Checklist answers as JSON {item: true|false}."""
    environment_score: Mapped[int] = mapped_column(Integer)
    ohs_score: Mapped[int] = mapped_column(Integer)
    social_score: Mapped[int] = mapped_column(Integer)
    total_score: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str] = mapped_column(String(300), default="")

    @property
    def score(self) -> AssessmentScore:
        """The stored scores as the review rule reads them."""
        return AssessmentScore(
            {
                "environment": self.environment_score,
                "ohs": self.ohs_score,
                "social": self.social_score,
            },
            self.total_score,
        )

    def apply(self, event: AssessmentEvent) -> None:
        """Move along the review table; passing needs a passing score (ScoreTooLow)."""
        self.status = next_assessment_status(AssessmentStatus(self.status), event, self.score).value


class Auction(Base):
    """A sealed-bid auction of one lot; closed by the worker exactly once."""

    __tablename__ = "auction"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'awarded', 'unsold')", name="status_known"),
        Index("ix_auction_due", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), unique=True)
    reserve_fen: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    winning_bid_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: AuctionEvent) -> None:
        """Move along the auction table."""
        self.status = next_auction_status(AuctionStatus(self.status), event).value


class AuctionBid(Base):
    """A plant's sealed bid: one per plant and auction."""

    __tablename__ = "auction_bid"
    __table_args__ = (
        UniqueConstraint("auction_id", "plant_id"),
        CheckConstraint("price_fen > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auction.id"), index=True)
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    placed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class StandingBid(Base):
    """A plant's standing order: category, price per unit or kg, radius, units a month."""

    __tablename__ = "standing_bid"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'withdrawn')", name="status_known"),
        CheckConstraint("basis IN ('unit', 'kg')", name="basis_known"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("units_per_month > 0", name="quantity_positive"),
        Index("ix_standing_bid_open_category", "category_code", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    basis: Mapped[str] = mapped_column(String(4))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    """Fen per unit or per kilogram (basis)."""
    radius_km: Mapped[int] = mapped_column(Integer)
    """The region: stations within this great-circle distance of the plant."""
    units_per_month: Mapped[int] = mapped_column(Integer)
    used_month: Mapped[str] = mapped_column(String(7), default="")
    used_units: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: StandingBidEvent) -> None:
        """Move along the standing bid's table."""
        self.status = next_standing_bid_status(StandingBidStatus(self.status), event).value


class Contract(Base):
    """An award: the agreed price, quantity and delivery terms of one lot to one plant."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint(
            "status IN ('awarded', 'shipped', 'received', 'disputed')", name="status_known"
        ),
        CheckConstraint(
            "method IN ('fixed_price', 'auction', 'standing_bid')", name="method_known"
        ),
        CheckConstraint("price_fen > 0", name="price_positive"),
        Index("ix_contract_capacity", "plant_id", "category_code", "awarded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), unique=True)
    """Unique: a lot is awarded once, whatever races."""
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"))
    method: Mapped[str] = mapped_column(String(14))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    unit_count: Mapped[int] = mapped_column(Integer)
    grams: Mapped[int] = mapped_column(Integer)
    transport_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    """Estimated transport cost the match was weighed with (standing bids), fen."""
    delivery_terms: Mapped[str] = mapped_column(String(300))
    auction_bid_id: Mapped[int | None] = mapped_column(ForeignKey("auction_bid.id"), nullable=True)
    standing_bid_id: Mapped[int | None] = mapped_column(
        ForeignKey("standing_bid.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(10))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: LotEvent) -> None:
        """Follow the lot's event along the contract table."""
        self.status = next_contract_status(ContractStatus(self.status), event).value


class LotPhoto(Base):
    """A photo of a lot, by reference (an evidence id such as photo:2026/11/24/abc.jpg)."""

    __tablename__ = "lot_photo"
    __table_args__ = (UniqueConstraint("lot_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    ref: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


_DISCREPANCY_VALUES = ", ".join(f"'{s.value}'" for s in DiscrepancyStatus)


class LotDiscrepancy(Base):
    """What did not match when the plant received a lot (missing or extra units, a load
    outside the weight tolerance), with its evidence, and how it was decided: the adjusted
    price, by rule or by an operator, and why. One per lot."""

    __tablename__ = "lot_discrepancy"
    __table_args__ = (
        CheckConstraint(f"status IN ({_DISCREPANCY_VALUES})", name="status_known"),
        CheckConstraint("contract_price_fen > 0", name="price_positive"),
        CheckConstraint(
            "adjusted_price_fen IS NULL OR "
            "(adjusted_price_fen >= 0 AND adjusted_price_fen <= contract_price_fen)",
            name="adjusted_within_price",
        ),
        CheckConstraint(
            "decided_by IS NULL OR decided_by IN ('rule', 'operator')", name="decider_known"
        ),
        Index("ix_lot_discrepancy_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kinds: Mapped[str] = mapped_column(String(60))
    """The DiscrepancyKind values found, comma-separated."""
    lot_units: Mapped[int] = mapped_column(Integer)
    received_units: Mapped[int] = mapped_column(Integer)
    missing_units: Mapped[int] = mapped_column(Integer)
    extra_units: Mapped[int] = mapped_column(Integer)
    lot_grams: Mapped[int] = mapped_column(Integer)
    """Door weight of the whole lot, grams."""
    expected_grams: Mapped[int] = mapped_column(Integer)
    """Door weight of the lot's units that were scanned, grams."""
    received_grams: Mapped[int] = mapped_column(Integer)
    """Weighbridge load at the plant, grams."""
    tolerance_basis_points: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(String(2000), default="")
    """Evidence references (photo, weighbridge ticket ids), space-separated."""
    contract_price_fen: Mapped[int] = mapped_column(BigInteger)
    """The price held in escrow, fen CNY."""
    adjusted_price_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """The price decided, fen CNY: what the station is paid before the platform fee."""
    decided_by: Mapped[str | None] = mapped_column(String(10), nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: DiscrepancyEvent) -> tuple[str, str]:
        """Move along the discrepancy's table; return (from, to) for the history row."""
        before = self.status
        self.status = next_discrepancy_status(DiscrepancyStatus(before), event).value
        return before, self.status


class LotDiscrepancyUnit(Base):
    """A unit code of a discrepancy: a lot's unit not scanned (missing) or a scanned code
    that is not in the lot (extra)."""

    __tablename__ = "lot_discrepancy_unit"
    __table_args__ = (
        UniqueConstraint("discrepancy_id", "unit_code"),
        CheckConstraint("kind IN ('missing', 'extra')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(ForeignKey("lot_discrepancy.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(8))


class LotFoundUnit(Base):
    """A unit the lot's reception reported missing that turned up afterwards: at the plant
    (`place` 'plant': received then, and paid for by the plant — `paid_fen`, its share by
    the pro rata rule, never beyond the contract price) or at the station that shipped it
    ('station': never loaded, back in its stock, nothing paid). Never updated; once per
    unit and discrepancy."""

    __tablename__ = "lot_found_unit"
    __table_args__ = (
        UniqueConstraint("discrepancy_id", "unit_code"),
        CheckConstraint("paid_fen >= 0", name="paid_not_negative"),
        CheckConstraint("place IN ('plant', 'station')", name="place_known"),
        CheckConstraint("place = 'plant' OR paid_fen = 0", name="station_finds_unpaid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(ForeignKey("lot_discrepancy.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(20))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())
    found_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    place: Mapped[str] = mapped_column(String(10), server_default="plant")


class LotDiscrepancyStatusChange(Base):
    """Append-only history of a discrepancy's transitions (opening included)."""

    __tablename__ = "lot_discrepancy_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(ForeignKey("lot_discrepancy.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    event: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")
