"""Subsidy claims: claims, their lines (one per unit, ever), exclusions and journal

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 10:30:00+00:00

`subsidy_claim_line.unit_id` is unique: a unit is claimed once, ever, and of two claims
prepared at the same time the second fails on this constraint (docs/adr/0014). The
dismantling record gains `attributes_json`: the unit's size and type as the plant found
it, which the subsidy band conditions read.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.types import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dismantling_record") as batch:
        batch.add_column(
            sa.Column("attributes_json", sa.Text(), nullable=False, server_default="{}")
        )
    op.create_table(
        "subsidy_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("prepared_at", UTCDateTime(), nullable=False),
        sa.Column("prepared_by", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected')",
            name=op.f("ck_subsidy_claim_status_known"),
        ),
        sa.CheckConstraint("total_fen >= 0", name=op.f("ck_subsidy_claim_total_non_negative")),
        sa.CheckConstraint(
            "period_start < period_end", name=op.f("ck_subsidy_claim_period_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["organisation.id"], name=op.f("fk_subsidy_claim_plant_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by"], ["app_user.id"], name=op.f("fk_subsidy_claim_prepared_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim")),
    )
    op.create_index(op.f("ix_subsidy_claim_plant_id"), "subsidy_claim", ["plant_id"])
    op.create_table(
        "subsidy_claim_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(20), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("dismantled_on", sa.Date(), nullable=False),
        sa.Column("schedule_from", sa.Date(), nullable=False),
        sa.Column("condition", sa.String(120), nullable=False),
        sa.Column("rate_fen", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.CheckConstraint("rate_fen > 0", name=op.f("ck_subsidy_claim_line_rate_positive")),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["subsidy_claim.id"],
            name=op.f("fk_subsidy_claim_line_claim_id_subsidy_claim"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_subsidy_claim_line_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["dismantling_record.id"],
            name=op.f("fk_subsidy_claim_line_record_id_dismantling_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim_line")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_subsidy_claim_line_unit_id")),
    )
    op.create_index(op.f("ix_subsidy_claim_line_claim_id"), "subsidy_claim_line", ["claim_id"])
    op.create_table(
        "subsidy_claim_exclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(20), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("dismantled_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["subsidy_claim.id"],
            name=op.f("fk_subsidy_claim_exclusion_claim_id_subsidy_claim"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_subsidy_claim_exclusion_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim_exclusion")),
    )
    op.create_index(
        op.f("ix_subsidy_claim_exclusion_claim_id"), "subsidy_claim_exclusion", ["claim_id"]
    )
    op.create_table(
        "subsidy_claim_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(12), nullable=True),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["subsidy_claim.id"],
            name=op.f("fk_subsidy_claim_event_claim_id_subsidy_claim"),
        ),
        sa.ForeignKeyConstraint(
            ["by_user"], ["app_user.id"], name=op.f("fk_subsidy_claim_event_by_user_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_claim_event")),
    )
    op.create_index(op.f("ix_subsidy_claim_event_claim_id"), "subsidy_claim_event", ["claim_id"])


def downgrade() -> None:
    op.drop_table("subsidy_claim_event")
    op.drop_table("subsidy_claim_exclusion")
    op.drop_table("subsidy_claim_line")
    op.drop_table("subsidy_claim")
    with op.batch_alter_table("dismantling_record") as batch:
        batch.drop_column("attributes_json")
