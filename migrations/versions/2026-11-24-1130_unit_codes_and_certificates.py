"""Custody: reserved unit codes, offline sync and certificates

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 11:30:00+00:00

Blocks of unit codes reserved in advance (`unit_code_block`, `reserved_unit_code`), the
household's receipt code per unit (`unit_receipt`), signed certificates of recycling and
data wiping (`certificate`), and the offline records already synced (`synced_record`);
docs/adr/0016. Existing units get a random receipt code here, so every unit can be looked
up by its household; nothing else is written to existing rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{target_table}")
    )


def upgrade() -> None:
    op.create_table(
        "unit_code_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("reserved_by", sa.Integer(), nullable=False),
        sa.Column("reserved_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.CheckConstraint("size >= 1", name=op.f("ck_unit_code_block_size_positive")),
        _fk("unit_code_block", "organisation_id", "organisation.id"),
        _fk("unit_code_block", "reserved_by", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_code_block")),
    )
    op.create_index(
        op.f("ix_unit_code_block_organisation_id"), "unit_code_block", ["organisation_id"]
    )
    op.create_index(op.f("ix_unit_code_block_expires_at"), "unit_code_block", ["expires_at"])
    op.create_table(
        "reserved_unit_code",
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("reserved_unit_code", "block_id", "unit_code_block.id"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_reserved_unit_code")),
    )
    op.create_index(op.f("ix_reserved_unit_code_block_id"), "reserved_unit_code", ["block_id"])
    op.create_table(
        "unit_receipt",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        _fk("unit_receipt", "unit_id", "unit.id"),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_receipt")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_receipt_code")),
    )
    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("performed_at", UTCDateTime(), nullable=True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("operator_ref", sa.String(40), nullable=False),
        sa.Column("anchor_chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("anchor_hash", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.CheckConstraint(
            "kind IN ('recycling', 'data_wipe')", name=op.f("ck_certificate_kind_known")
        ),
        _fk("certificate", "unit_id", "unit.id"),
        _fk("certificate", "issuer_id", "organisation.id"),
        _fk("certificate", "issued_by", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("code", name=op.f("uq_certificate_code")),
        sa.UniqueConstraint("unit_id", "kind", name=op.f("uq_certificate_unit_id_kind")),
    )
    op.create_index(op.f("ix_certificate_unit_id"), "certificate", ["unit_id"])
    op.create_table(
        "synced_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("unit_codes", sa.Text(), nullable=False),
        sa.Column("device_at", UTCDateTime(), nullable=False),
        sa.Column("synced_at", UTCDateTime(), nullable=False),
        sa.Column("synced_by", sa.Integer(), nullable=False),
        _fk("synced_record", "organisation_id", "organisation.id"),
        _fk("synced_record", "synced_by", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synced_record")),
        sa.UniqueConstraint(
            "organisation_id", "record_id", name=op.f("uq_synced_record_organisation_id_record_id")
        ),
    )
    # Every existing unit gets a receipt code (60 random bits, like a unit code).
    connection = op.get_bind()
    unit_ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM unit ORDER BY id"))]
    if unit_ids:
        codes: set[str] = set()
        while len(codes) < len(unit_ids):
            codes.add("RC" + "".join(secrets.choice(_CROCKFORD) for _ in range(12)))
        connection.execute(
            sa.text("INSERT INTO unit_receipt (unit_id, code) VALUES (:unit_id, :code)"),
            [{"unit_id": u, "code": c} for u, c in zip(unit_ids, sorted(codes), strict=True)],
        )


def downgrade() -> None:
    op.drop_table("synced_record")
    op.drop_index(op.f("ix_certificate_unit_id"), table_name="certificate")
    op.drop_table("certificate")
    op.drop_table("unit_receipt")
    op.drop_index(op.f("ix_reserved_unit_code_block_id"), table_name="reserved_unit_code")
    op.drop_table("reserved_unit_code")
    op.drop_index(op.f("ix_unit_code_block_expires_at"), table_name="unit_code_block")
    op.drop_index(op.f("ix_unit_code_block_organisation_id"), table_name="unit_code_block")
    op.drop_table("unit_code_block")
