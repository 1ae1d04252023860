"""Credit scores: one append-only row per party and period, and each party's claim row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime


class CreditScore(Base):
    """A party's score for one period, with every count the formula read. Never updated
    or deleted (triggers); the contributions are recomputed from the counts by the
    formula named in `formula_version` (credit.rules)."""

    __tablename__ = "credit_score"
    __table_args__ = (
        UniqueConstraint("organisation_id", "period"),
        CheckConstraint("score >= 0 AND score <= 1000", name="score_bounded"),
        CheckConstraint("tier IN ('top', 'middle', 'new')", name="tier_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10))
    """ISO week of the China date, e.g. "2026-W48"."""
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    formula_version: Mapped[str] = mapped_column(String(8))
    score: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(8))
    volume_grams: Mapped[int] = mapped_column(BigInteger)
    """Grams taken into the party's custody, all time."""
    months_active: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    late: Mapped[int] = mapped_column(Integer)
    accurate: Mapped[int] = mapped_column(Integer)
    inaccurate: Mapped[int] = mapped_column(Integer)
    clean: Mapped[int] = mapped_column(Integer)
    disputes_lost: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    cancelled: Mapped[int] = mapped_column(Integer)


class CreditParty(Base):
    """A scored party: the row the worker claims (SKIP LOCKED) to score it once a period,
    and the latest score for quick reads."""

    __tablename__ = "credit_party"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), primary_key=True, autoincrement=False
    )
    role: Mapped[str] = mapped_column(String(20))
    last_period: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    last_score_id: Mapped[int | None] = mapped_column(ForeignKey("credit_score.id"), nullable=True)
