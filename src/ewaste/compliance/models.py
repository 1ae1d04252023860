"""Per-unit dismantling records and their output fractions; subsidy claims and their lines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.compliance.claim_rules import ClaimAction, ClaimStatus, next_claim_status
from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime


class DismantlingRecord(Base):
    """The dismantling of one unit at a plant; one per unit, ever."""

    __tablename__ = "dismantling_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    unit_code: Mapped[str] = mapped_column(String(20))
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    dismantled_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    line: Mapped[str] = mapped_column(String(40))
    evidence: Mapped[str] = mapped_column(String(200), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    attributes_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """The unit's size and type as the plant found it (JSON), e.g. {"screen_inch": 21}:
    what the subsidy band conditions read."""


class DismantlingOutput(Base):
    """One output fraction of a dismantled unit."""

    __tablename__ = "dismantling_output"
    __table_args__ = (
        UniqueConstraint("record_id", "fraction"),
        CheckConstraint("grams >= 0", name="grams_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("dismantling_record.id"), index=True)
    fraction: Mapped[str] = mapped_column(String(20))
    grams: Mapped[int] = mapped_column(Integer)
    """Mass of this fraction recovered from the unit, grams."""


_CLAIM_STATUSES = "'draft', 'submitted', 'approved', 'rejected'"


class SubsidyClaim(Base):
    """A plant's claim on the WEEE fund for the units it dismantled in a period."""

    __tablename__ = "subsidy_claim"
    __table_args__ = (
        CheckConstraint(f"status IN ({_CLAIM_STATUSES})", name="status_known"),
        CheckConstraint("total_fen >= 0", name="total_non_negative"),
        CheckConstraint("period_start < period_end", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    """Exclusive."""
    status: Mapped[str] = mapped_column(String(12))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    """The sum of the lines' rates, fen."""
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prepared_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, action: ClaimAction) -> ClaimStatus:
        """Move to the status `action` leads to (or raise IllegalClaimTransition)."""
        after = next_claim_status(ClaimStatus(self.status), action)
        self.status = after.value
        return after


class SubsidyClaimLine(Base):
    """One claimed unit at the rate in force on its dismantling date. Once per unit, ever."""

    __tablename__ = "subsidy_claim_line"
    __table_args__ = (
        UniqueConstraint("unit_id"),
        CheckConstraint("rate_fen > 0", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("dismantling_record.id"))
    unit_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    dismantled_on: Mapped[date] = mapped_column(Date)
    """China date of the dismantling: it chooses the schedule."""
    schedule_from: Mapped[date] = mapped_column(Date)
    """First day of the band's schedule (2012-07-01, 2016-01-01, 2021-04-01)."""
    condition: Mapped[str] = mapped_column(String(120))
    rate_fen: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(Text)


class SubsidyClaimExclusion(Base):
    """A unit of the period that the claim does not hold, and why (it may be claimed later)."""

    __tablename__ = "subsidy_claim_exclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    unit_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    dismantled_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(String(200))


class SubsidyClaimEvent(Base):
    """A journal row per action on a claim: who moved it from which status to which."""

    __tablename__ = "subsidy_claim_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
