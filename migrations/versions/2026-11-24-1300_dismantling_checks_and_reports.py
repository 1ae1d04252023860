"""Compliance: dismantling output checks, brands on dismantling records, the brand map

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 13:00:00+00:00

Each dismantling record gets an output check (`dismantling_check`: passed or flagged,
then cleared or upheld by a regulator) with one row per reason (`dismantling_check_flag`)
and an append-only history (`dismantling_check_status_change`); flagged units stay out
of subsidy claims until cleared (docs/adr/0019). The record gains `brand` (the
nameplate's brand, normalised), and `brand` maps brands to producer organisations for
the producers' take-back reports. Records made before this migration have no check and
stay claimable as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards, drop_append_only_guards
from ewaste.db.types import UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("dismantling_check_flag", "dismantling_check_status_change")


def upgrade() -> None:
    with op.batch_alter_table("dismantling_record") as batch:
        batch.add_column(sa.Column("brand", sa.String(80), nullable=False, server_default=""))
        batch.create_index(batch.f("ix_dismantling_record_brand"), ["brand"])
    op.create_table(
        "brand",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("name_zh", sa.String(80), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["organisation.id"], name=op.f("fk_brand_producer_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand")),
        sa.UniqueConstraint("key", name=op.f("uq_brand_key")),
    )
    op.create_index(op.f("ix_brand_producer_id"), "brand", ["producer_id"])
    op.create_table(
        "dismantling_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("door_grams", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("catalogue_grams", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('passed', 'flagged', 'cleared', 'upheld')",
            name=op.f("ck_dismantling_check_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["dismantling_record.id"],
            name=op.f("fk_dismantling_check_record_id_dismantling_record"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_dismantling_check_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"],
            ["organisation.id"],
            name=op.f("fk_dismantling_check_plant_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismantling_check")),
        sa.UniqueConstraint("record_id", name=op.f("uq_dismantling_check_record_id")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_dismantling_check_unit_id")),
    )
    op.create_index(op.f("ix_dismantling_check_plant_id"), "dismantling_check", ["plant_id"])
    op.create_index(op.f("ix_dismantling_check_status"), "dismantling_check", ["status"])
    op.create_table(
        "dismantling_check_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("fraction", sa.String(20), nullable=False),
        sa.Column("expected_grams", sa.Integer(), nullable=False),
        sa.Column("actual_grams", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["dismantling_check.id"],
            name=op.f("fk_dismantling_check_flag_check_id_dismantling_check"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismantling_check_flag")),
    )
    op.create_index(
        op.f("ix_dismantling_check_flag_check_id"), "dismantling_check_flag", ["check_id"]
    )
    op.create_table(
        "dismantling_check_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(10), nullable=True),
        sa.Column("to_status", sa.String(10), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["dismantling_check.id"],
            name=op.f("fk_dismantling_check_status_change_check_id_dismantling_check"),
        ),
        sa.ForeignKeyConstraint(
            ["by_user"],
            ["app_user.id"],
            name=op.f("fk_dismantling_check_status_change_by_user_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismantling_check_status_change")),
    )
    op.create_index(
        op.f("ix_dismantling_check_status_change_check_id"),
        "dismantling_check_status_change",
        ["check_id"],
    )
    add_append_only_guards(*APPEND_ONLY)


def downgrade() -> None:
    drop_append_only_guards(*APPEND_ONLY)
    op.drop_index(
        op.f("ix_dismantling_check_status_change_check_id"),
        table_name="dismantling_check_status_change",
    )
    op.drop_table("dismantling_check_status_change")
    op.drop_index(op.f("ix_dismantling_check_flag_check_id"), table_name="dismantling_check_flag")
    op.drop_table("dismantling_check_flag")
    op.drop_index(op.f("ix_dismantling_check_status"), table_name="dismantling_check")
    op.drop_index(op.f("ix_dismantling_check_plant_id"), table_name="dismantling_check")
    op.drop_table("dismantling_check")
    op.drop_index(op.f("ix_brand_producer_id"), table_name="brand")
    op.drop_table("brand")
    with op.batch_alter_table("dismantling_record") as batch:
        batch.drop_index(batch.f("ix_dismantling_record_brand"))
        batch.drop_column("brand")
