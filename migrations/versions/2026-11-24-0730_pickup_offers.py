"""Pickup offers: a waiting pickup offered to a few collectors; the first to accept takes it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 07:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pickup_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pickup_id", sa.Integer(), nullable=False),
        sa.Column("collector_id", sa.Integer(), nullable=False),
        sa.Column("offered_by", sa.Integer(), nullable=False),
        sa.Column("added_m", sa.Integer(), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn')",
            name=op.f("ck_pickup_offer_status_known"),
        ),
        sa.CheckConstraint(
            "offered_at < expires_at", name=op.f("ck_pickup_offer_expiry_after_offer")
        ),
        sa.ForeignKeyConstraint(
            ["collector_id"],
            ["organisation.id"],
            name=op.f("fk_pickup_offer_collector_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["offered_by"], ["app_user.id"], name=op.f("fk_pickup_offer_offered_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["pickup_id"], ["pickup.id"], name=op.f("fk_pickup_offer_pickup_id_pickup")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_offer")),
    )
    with op.batch_alter_table("pickup_offer", schema=None) as batch_op:
        for column in ("pickup_id", "collector_id", "expires_at", "status"):
            batch_op.create_index(batch_op.f(f"ix_pickup_offer_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pickup_offer", schema=None) as batch_op:
        for column in ("status", "expires_at", "collector_id", "pickup_id"):
            batch_op.drop_index(batch_op.f(f"ix_pickup_offer_{column}"))
    op.drop_table("pickup_offer")
