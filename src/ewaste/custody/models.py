"""Tagged units and their append-only custody events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.custody.rules import HandoverKind, UnitStatus, holder_after, next_unit_status
from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime

_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in UnitStatus)
_KIND_VALUES = ", ".join(f"'{k.value}'" for k in HandoverKind)


class Unit(Base):
    """One physical item, tagged at the door with a unique code and followed to dismantling."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status_known"),
        CheckConstraint("door_grams > 0", name="door_grams_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    source_ref: Mapped[str] = mapped_column(String(60), index=True)
    """What produced the unit, e.g. "pickup:12"."""
    door_grams: Mapped[int] = mapped_column(Integer)
    """Mass weighed on the collector's scale at the door, grams."""
    status: Mapped[str] = mapped_column(String(20), index=True)
    tagged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def apply(self, kind: HandoverKind, *, from_id: int, to_id: int) -> None:
        """Move to the status that `kind` leads to (or raise IllegalHandover)."""
        self.status = next_unit_status(UnitStatus(self.status), kind).value
        self.holder_id = holder_after(kind, from_id=from_id, to_id=to_id)


class CustodyEvent(Base):
    """A handover of one unit: who to whom, where, when, how heavy. Never updated or deleted.

    Each event is a link of the global hash chain (`custody.chain`): `chain_seq`,
    `prev_hash` and `hash` are set by `CustodyRepository.append_event`, which also
    chooses the id (the hash covers it). A correction is a new event whose
    `corrects_id` names the event it corrects; the original stays as it was.
    """

    __tablename__ = "custody_event"
    __table_args__ = (
        UniqueConstraint("unit_id", "seq"),
        UniqueConstraint("chain_seq"),
        CheckConstraint("chain_seq >= 1", name="chain_seq_positive"),
        CheckConstraint(f"kind IN ({_KIND_VALUES})", name="kind_known"),
        CheckConstraint("grams >= 0", name="grams_non_negative"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    """Position of this event in the unit's chain, from 1."""
    kind: Mapped[str] = mapped_column(String(40))
    from_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    to_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    grams: Mapped[int] = mapped_column(Integer)
    """Mass measured at this handover, grams (0 when not weighed individually)."""
    evidence: Mapped[str] = mapped_column(String(200), default="")
    ref: Mapped[str] = mapped_column(String(60), default="")
    """The business document behind the handover ("pickup:12", "lot:3")."""
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("custody_event.id"), nullable=True, default=None
    )
    """The event this one corrects (None for a plain handover)."""
    chain_seq: Mapped[int] = mapped_column(BigInteger)
    """Position in the one global custody chain, from 1, without gaps."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    """`hash` of the event at chain_seq - 1 (64 zeros for the first)."""
    hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 (hex) of this event's canonical encoding and prev_hash (custody.chain)."""


class CustodyCheckpoint(Base):
    """A signed statement that the chain up to `last_chain_seq` ends in `last_hash`.

    Append-only like the events. `signature` is the Ed25519 signature (hex) of
    `custody.chain.checkpoint_message(...)` by the key named by `key_id`.
    """

    __tablename__ = "custody_checkpoint"
    __table_args__ = (UniqueConstraint("last_chain_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_chain_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))
