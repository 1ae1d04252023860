"""Custody: certificates are asked for on the web and signed by the worker

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-24 23:00:00+00:00

`certificate_request`: a certificate of recycling or data wiping asked for, and whether
the worker (the only process holding the custody signing key) issued or refused it;
docs/adr/0016. Certificates already issued have no request and stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.types import UTCDateTime

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    target_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_certificate_request_{column}_{target_table}")
    )


def upgrade() -> None:
    op.create_table(
        "certificate_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("performed_at", UTCDateTime(), nullable=True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("operator_ref", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("refusal", sa.String(200), nullable=False),
        sa.Column("settled_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('recycling', 'data_wipe')", name=op.f("ck_certificate_request_kind_known")
        ),
        sa.CheckConstraint(
            "status IN ('requested', 'issued', 'refused')",
            name=op.f("ck_certificate_request_status_known"),
        ),
        _fk("unit_id", "unit.id"),
        _fk("issuer_id", "organisation.id"),
        _fk("requested_by", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_request")),
        sa.UniqueConstraint("code", name=op.f("uq_certificate_request_code")),
        sa.UniqueConstraint("unit_id", "kind", name=op.f("uq_certificate_request_unit_id_kind")),
    )
    op.create_index(op.f("ix_certificate_request_status"), "certificate_request", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_certificate_request_status"), table_name="certificate_request")
    op.drop_table("certificate_request")
