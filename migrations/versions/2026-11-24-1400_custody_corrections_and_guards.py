"""Custody: correction reasons, rotated signing keys, and append-only certificates

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 14:00:00+00:00

A correction of a custody event now says why (`custody_event.reason`, NULL for every
existing event, so no stored hash changes; events with a reason are hashed with version 2
of the chain encoding, docs/adr/0013). Signing keys can be rotated and revoked: the public
keys and their signed rotations (`custody_signing_key`) and revocations
(`custody_key_revocation`) are append-only. The `certificate` table gets the same
append-only guards as the custody events (migrations 0002 and 0011): the database refuses
UPDATE and DELETE.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards, drop_append_only_guards
from ewaste.db.types import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_APPEND_ONLY = ("certificate", "custody_signing_key", "custody_key_revocation")


def upgrade() -> None:
    drop_append_only_guards("custody_event")
    with op.batch_alter_table("custody_event") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=200), nullable=True))
    add_append_only_guards("custody_event")
    op.create_table(
        "custody_signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(44), nullable=False),
        sa.Column("activated_at", UTCDateTime(), nullable=False),
        sa.Column("previous_key_id", sa.String(16), nullable=True),
        sa.Column("previous_signature", sa.String(128), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_signing_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_custody_signing_key_key_id")),
    )
    op.create_table(
        "custody_key_revocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("signed_by", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["custody_signing_key.key_id"],
            name=op.f("fk_custody_key_revocation_key_id_custody_signing_key"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_key_revocation")),
        sa.UniqueConstraint("key_id", name=op.f("uq_custody_key_revocation_key_id")),
    )
    add_append_only_guards(*NEW_APPEND_ONLY)


def downgrade() -> None:
    drop_append_only_guards(*NEW_APPEND_ONLY)
    op.drop_table("custody_key_revocation")
    op.drop_table("custody_signing_key")
    drop_append_only_guards("custody_event")
    with op.batch_alter_table("custody_event") as batch:
        batch.drop_column("reason")
    add_append_only_guards("custody_event")
