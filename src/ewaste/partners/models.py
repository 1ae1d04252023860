"""The option pool row, partners and their status history, the monthly run marker, and
the append-only grant, vesting and forfeiture events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.partners.rules import PartnerEvent, PartnerStatus, next_partner_status

_PARTNER_STATUSES = ", ".join(f"'{s.value}'" for s in PartnerStatus)


class OptionPool(Base):
    """The one option pool (id 1): its size against the equity, what is outstanding in it,
    and the terms of qualification, grants, vesting and forfeiture.

    The two CHECKs are the hard invariant: the pool is at most 20 % of the equity, and
    never more is outstanding than the pool holds. Every grant locks this row first.
    """

    __tablename__ = "option_pool"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("cap_shares * 10000 <= total_shares * 2000", name="cap_within_20_percent"),
        CheckConstraint(
            "outstanding_shares >= 0 AND outstanding_shares <= cap_shares",
            name="outstanding_within_cap",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total_shares: Mapped[int] = mapped_column(BigInteger)
    """The platform's fully diluted equity, shares."""
    cap_shares: Mapped[int] = mapped_column(BigInteger)
    """The pool's size, shares (at most 20 % of total_shares)."""
    outstanding_shares: Mapped[int] = mapped_column(BigInteger)
    """Granted and not forfeited (vested or not), shares."""
    threshold_grams: Mapped[int] = mapped_column(BigInteger)
    qualify_months: Mapped[int] = mapped_column(Integer)
    monthly_grant_shares: Mapped[int] = mapped_column(BigInteger)
    vesting_months: Mapped[int] = mapped_column(Integer)
    cliff_months: Mapped[int] = mapped_column(Integer)
    inactive_months: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom


class OptionPoolChange(Base):
    """Append-only: each configuration of the pool, who set it and when."""

    __tablename__ = "option_pool_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    total_shares: Mapped[int] = mapped_column(BigInteger)
    cap_shares: Mapped[int] = mapped_column(BigInteger)
    terms: Mapped[str] = mapped_column(String(300))
    """The terms as set, "name=value" pairs separated by spaces."""


class Partner(Base):
    """A collector or station that qualified for the option pool."""

    __tablename__ = "partner"
    __table_args__ = (CheckConstraint(f"status IN ({_PARTNER_STATUSES})", name="status_known"),)

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), primary_key=True, autoincrement=False
    )
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), index=True)
    qualified_month: Mapped[str] = mapped_column(String(7))
    """The month whose run first made it a partner ("2026-11")."""
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, event: PartnerEvent) -> tuple[str, str]:
        """Move along the partner table; return (from, to) for the history row."""
        before = self.status
        self.status = next_partner_status(PartnerStatus(before), event).value
        return before, self.status


class PartnerStatusChange(Base):
    """Append-only history of a partner's status ("" before it first qualified)."""

    __tablename__ = "partner_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("partner.organisation_id"), index=True)
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    event: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(200), default="")


class PartnerRun(Base):
    """The monthly qualification, vesting and grant run of one month; unique per month,
    so a month is run exactly once whatever the number of workers."""

    __tablename__ = "partner_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime())
    qualified: Mapped[int] = mapped_column(Integer, default=0)
    lapsed: Mapped[int] = mapped_column(Integer, default=0)
    granted_shares: Mapped[int] = mapped_column(BigInteger, default=0)
    vested_shares: Mapped[int] = mapped_column(BigInteger, default=0)
    forfeited_shares: Mapped[int] = mapped_column(BigInteger, default=0)


class OptionGrant(Base):
    """Append-only: options granted to a partner, vesting monthly from its month."""

    __tablename__ = "option_grant"
    __table_args__ = (
        CheckConstraint("shares > 0", name="shares_positive"),
        CheckConstraint("kind IN ('monthly', 'discretionary')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("partner.organisation_id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    """Vesting counts whole months from this month ("2026-11")."""
    kind: Mapped[str] = mapped_column(String(14))
    shares: Mapped[int] = mapped_column(BigInteger)
    volume_grams: Mapped[int] = mapped_column(BigInteger, default=0)
    """The month's volume the split was weighed by, grams (0 for a discretionary grant)."""
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("partner_run.id"), nullable=True)
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    vesting_months: Mapped[int] = mapped_column(Integer)
    cliff_months: Mapped[int] = mapped_column(Integer)
    """The schedule in force when granted: later changes of the terms do not touch it."""


class OptionVesting(Base):
    """Append-only: options of a grant that vested at the close of a month."""

    __tablename__ = "option_vesting"
    __table_args__ = (
        UniqueConstraint("grant_id", "month"),
        CheckConstraint("shares > 0", name="shares_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("option_grant.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    shares: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class OptionForfeiture(Base):
    """Append-only: the unvested options of a grant returned to the pool (once a grant)."""

    __tablename__ = "option_forfeiture"
    __table_args__ = (CheckConstraint("shares > 0", name="shares_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("option_grant.id"), unique=True)
    shares: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(10))
    """"lapse" (inactive) or "leave"."""
    at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class GrantBalance:
    """A grant with what has vested and been forfeited of it so far."""

    grant: OptionGrant
    vested: int
    forfeited: int

    @property
    def unvested(self) -> int:
        """Options neither vested nor forfeited."""
        return self.grant.shares - self.vested - self.forfeited

    @property
    def is_open(self) -> bool:
        """Still vesting: not forfeited, and not fully vested."""
        return self.forfeited == 0 and self.unvested > 0
