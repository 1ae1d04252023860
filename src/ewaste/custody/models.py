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

from ewaste.custody.certificate_rules import RequestEvent, RequestStatus, next_request_status
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
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True, default=None)
    """Why a correction was made (None for a plain handover). Covered by the hash: an
    event with a reason is encoded with version 2 of the chain encoding (custody.chain)."""
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


class CustodySigningKey(Base):
    """A public key that signs custody checkpoints and certificates. Never updated.

    The first registered key has no `previous_key_id` and signs its own row. Each later
    key is a rotation: its row is signed by the previous key (`previous_signature`) and by
    itself (`signature`) over `custody.key_rules.rotation_message(...)`, so a verifier who
    trusts one key of the sequence trusts exactly the keys linked to it, and a key merely
    inserted into this table by someone with database access is not trusted.
    """

    __tablename__ = "custody_signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[str] = mapped_column(String(44))
    """Base64 of the 32 raw Ed25519 bytes, as published."""
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    previous_key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    previous_signature: Mapped[str] = mapped_column(String(128), default="")
    signature: Mapped[str] = mapped_column(String(128))


class CustodyKeyRevocation(Base):
    """A signing key withdrawn from `revoked_at` on (e.g. since it may have leaked). Never
    updated. Signed by another trusted key (`signed_by`) over
    `custody.key_rules.revocation_message(...)`; checkpoints and certificates the revoked
    key signed from `revoked_at` on are reported, earlier ones still verify."""

    __tablename__ = "custody_key_revocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("custody_signing_key.key_id"), unique=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200))
    signed_by: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))


class UnitCodeBlock(Base):
    """A block of unit codes reserved in advance by one organisation (a collector's).

    Its codes may tag units from `reserved_at` until `expires_at` (exclusive), also
    offline: the tags are synced later with their device times. Never updated; a code
    is used when a unit carries it. Expired codes are never given out again.
    """

    __tablename__ = "unit_code_block"
    __table_args__ = (CheckConstraint("size >= 1", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reserved_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    size: Mapped[int] = mapped_column(Integer)


class ReservedUnitCode(Base):
    """One code of a reserved block (unique across blocks and, by construction, units)."""

    __tablename__ = "reserved_unit_code"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("unit_code_block.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    """Order within the block, from 1 (the order of the labels on the sheet)."""


class UnitReceipt(Base):
    """The household's receipt code for a unit: the key of the public "where did my item
    go?" page. Separate from the unit code, which is printed on the label for everybody
    who handles the item to see."""

    __tablename__ = "unit_receipt"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)


class CertificateRequest(Base):
    """A certificate asked for (by a household, a plant, an auditor) and what became of it.

    The web records requests; only the worker, which holds the signing key, signs them
    (docs/adr/0016), each after checking it against the chain again: `requested` until
    then, `issued` (the certificate has this `code`) or `refused` with the reason (the
    chain does not support it). One request per unit and kind, like certificates.
    """

    __tablename__ = "certificate_request"
    __table_args__ = (
        CheckConstraint("kind IN ('recycling', 'data_wipe')", name="kind_known"),
        CheckConstraint("status IN ('requested', 'issued', 'refused')", name="status_known"),
        UniqueConstraint("unit_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    performed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When the data was wiped (data wipe); recycling takes it from the dismantling."""
    method: Mapped[str] = mapped_column(String(20), default="")
    operator_ref: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(10), default="requested", index=True)
    refusal: Mapped[str] = mapped_column(String(200), default="")
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def apply(self, event: RequestEvent, *, now: datetime, refusal: str = "") -> None:
        """Move along the request's state table (RequestSettled if it may not)."""
        self.status = next_request_status(self.code, RequestStatus(self.status), event).value
        self.refusal = refusal
        self.settled_at = None if event is RequestEvent.ASK_AGAIN else now


class Certificate(Base):
    """A signed certificate of recycling or of data wiping for one unit. Never updated.

    `signature` is the Ed25519 signature (hex) of
    `custody.certificate_rules.certificate_message(...)` by the key `key_id`; the
    certificate stands on the custody event at `anchor_chain_seq` with `anchor_hash`.
    """

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint("kind IN ('recycling', 'data_wipe')", name="kind_known"),
        # One certificate of each kind per unit: issuing again returns the first.
        UniqueConstraint("unit_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    issued_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    performed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    method: Mapped[str] = mapped_column(String(20), default="")
    operator_ref: Mapped[str] = mapped_column(String(40), default="")
    """Who did the wipe, as the wiper's staff badge or workstation id (never a name)."""
    anchor_chain_seq: Mapped[int] = mapped_column(BigInteger)
    anchor_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))
