"""Offline records that were applied, remembered so that a re-sent batch changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime


class SyncedRecord(Base):
    """One applied offline record of an organisation, by the device's record id. Never updated.

    Refused records are not stored: they may be sent again once what they wait for
    (a collection, a reservation) has been synced.
    """

    __tablename__ = "synced_record"
    __table_args__ = (UniqueConstraint("organisation_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    record_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the record's content (`fieldsync.rules.record_digest`)."""
    unit_codes: Mapped[str] = mapped_column(Text)
    """The codes of the units it tagged or moved, space-separated."""
    device_at: Mapped[datetime] = mapped_column(UTCDateTime())
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    synced_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
