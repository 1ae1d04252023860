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
from ewaste.compliance.output_rules import CheckEvent, CheckStatus, next_check_status
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
    brand: Mapped[str] = mapped_column(String(80), default="", server_default="", index=True)
    """The brand on the unit's nameplate as the plant read it, normalised
    (`catalog.brand_key`); "" when not recorded. Producers' take-back reports count it."""


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


_CHECK_STATUSES = ", ".join(f"'{s.value}'" for s in CheckStatus)


class DismantlingCheck(Base):
    """The output check of one dismantling record: passed, or flagged until reviewed."""

    __tablename__ = "dismantling_check"
    __table_args__ = (CheckConstraint(f"status IN ({_CHECK_STATUSES})", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("dismantling_record.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    plant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    door_grams: Mapped[int] = mapped_column(Integer)
    """The unit's mass weighed at the door, grams: what the outputs are compared with."""
    status: Mapped[str] = mapped_column(String(10), index=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    catalogue_grams: Mapped[int] = mapped_column(Integer)
    """The catalogue's mass of a unit of this category and size, grams (0 if unknown)."""
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: CheckEvent) -> CheckStatus:
        """Move to the status `event` leads to (or raise IllegalCheckTransition)."""
        after = next_check_status(CheckStatus(self.status), event)
        self.status = after.value
        return after


class DismantlingCheckFlag(Base):
    """One reason a dismantling record was flagged (the check keeps every reason)."""

    __tablename__ = "dismantling_check_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("dismantling_check.id"), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    fraction: Mapped[str] = mapped_column(String(20), default="")
    expected_grams: Mapped[int] = mapped_column(Integer)
    """What the check expected, grams."""
    actual_grams: Mapped[int] = mapped_column(Integer)
    """What the record holds, grams."""


class DismantlingCheckStatusChange(Base):
    """Append-only history of a check: its creation and each review, with who and why."""

    __tablename__ = "dismantling_check_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("dismantling_check.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(String(200), default="")


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
