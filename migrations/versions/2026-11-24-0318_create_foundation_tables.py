"""create foundation tables

Revision ID: 0001
Revises:
Create Date: 2026-11-24 03:18:19.207688+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("cn_catalogue_code", sa.String(length=20), nullable=False),
        sa.Column("unu_key", sa.String(length=4), nullable=False),
        sa.Column("typical_mass_g", sa.Integer(), nullable=False),
        sa.Column("hazardous", sa.Boolean(), nullable=False),
        sa.Column("household_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("station_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("plant_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("mass_source", sa.String(length=400), nullable=False),
        sa.Column("price_basis", sa.String(length=400), nullable=False),
        sa.CheckConstraint(
            "household_price_fen >= 0", name=op.f("ck_category_household_price_non_negative")
        ),
        sa.CheckConstraint(
            "plant_price_fen >= 0", name=op.f("ck_category_plant_price_non_negative")
        ),
        sa.CheckConstraint(
            "station_price_fen >= 0", name=op.f("ck_category_station_price_non_negative")
        ),
        sa.CheckConstraint("typical_mass_g > 0", name=op.f("ck_category_typical_mass_positive")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_category")),
    )
    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("reverses_entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reverses_entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_journal_entry_reverses_entry_id_journal_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_journal_entry_idempotency_key")),
        sa.UniqueConstraint("reverses_entry_id", name=op.f("uq_journal_entry_reverses_entry_id")),
    )
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_entry_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_journal_entry_source"), ["source"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('household', 'collector', 'station', 'plant', 'producer', "
            "'operator', 'regulator')",
            name=op.f("ck_organisation_role_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_role"), ["role"], unique=False)

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_app_user_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_app_user_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "collector_profile",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("vehicle", sa.String(length=10), nullable=False),
        sa.Column("capacity_grams", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("badge", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "vehicle IN ('tricycle', 'van', 'truck')",
            name=op.f("ck_collector_profile_vehicle_known"),
        ),
        sa.CheckConstraint(
            "capacity_grams > 0", name=op.f("ck_collector_profile_capacity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_collector_profile_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_collector_profile")),
        sa.UniqueConstraint("badge", name=op.f("uq_collector_profile_badge")),
    )
    op.create_table(
        "ledger_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("may_go_negative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('party_available', 'escrow', 'platform_fees', 'bank')",
            name=op.f("ck_ledger_account_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["organisation.id"], name=op.f("fk_ledger_account_owner_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_account")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_account_code")),
    )
    with op.batch_alter_table("ledger_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_account_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("hazardous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("grams", sa.Integer(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_units", sa.Integer(), nullable=True),
        sa.Column("received_grams", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('listed', 'sold', 'shipped', 'received', 'disputed', 'withdrawn')",
            name=op.f("ck_lot_status_known"),
        ),
        sa.CheckConstraint("price_fen > 0", name=op.f("ck_lot_price_positive")),
        sa.CheckConstraint("unit_count > 0", name=op.f("ck_lot_unit_count_positive")),
        sa.ForeignKeyConstraint(
            ["category_code"], ["category.code"], name=op.f("fk_lot_category_code_category")
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["organisation.id"], name=op.f("fk_lot_plant_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["organisation.id"], name=op.f("fk_lot_station_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot")),
    )
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_category_code"), ["category_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_lot_plant_id"), ["plant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lot_station_id"), ["station_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lot_status"), ["status"], unique=False)

    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'booked', 'expired')", name=op.f("ck_quote_status_known")
        ),
        sa.CheckConstraint("total_fen >= 0", name=op.f("ck_quote_total_non_negative")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["organisation.id"], name=op.f("fk_quote_household_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote")),
    )
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_status"), ["status"], unique=False)

    op.create_table(
        "station_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("collector_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("grams", sa.Integer(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collector_id"],
            ["organisation.id"],
            name=op.f("fk_station_receipt_collector_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["organisation.id"],
            name=op.f("fk_station_receipt_station_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_receipt")),
    )
    with op.batch_alter_table("station_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_station_receipt_collector_id"), ["collector_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_station_receipt_station_id"), ["station_id"], unique=False
        )

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("source_ref", sa.String(length=60), nullable=False),
        sa.Column("door_grams", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('with_collector', 'at_station', 'in_transit', 'at_plant', 'dismantled')",
            name=op.f("ck_unit_status_known"),
        ),
        sa.CheckConstraint("door_grams > 0", name=op.f("ck_unit_door_grams_positive")),
        sa.ForeignKeyConstraint(
            ["category_code"], ["category.code"], name=op.f("fk_unit_category_code_category")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["organisation.id"], name=op.f("fk_unit_holder_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["organisation.id"], name=op.f("fk_unit_household_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_code")),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_category_code"), ["category_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_holder_id"), ["holder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_source_ref"), ["source_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_status"), ["status"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_api_token_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_token_digest")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "custody_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("grams", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('unit:collect:door', 'unit:deliver:station', 'unit:ship:dispatch', "
            "'unit:receive:plant', 'unit:dismantle:record')",
            name=op.f("ck_custody_event_kind_known"),
        ),
        sa.CheckConstraint("grams >= 0", name=op.f("ck_custody_event_grams_non_negative")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_custody_event_seq_positive")),
        sa.ForeignKeyConstraint(
            ["from_id"], ["organisation.id"], name=op.f("fk_custody_event_from_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_custody_event_recorded_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["to_id"], ["organisation.id"], name=op.f("fk_custody_event_to_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_custody_event_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_event")),
        sa.UniqueConstraint("unit_id", "seq", name=op.f("uq_custody_event_unit_id_seq")),
    )
    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_custody_event_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "dismantling_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("dismantled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line", sa.String(length=40), nullable=False),
        sa.Column("evidence", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plant_id"],
            ["organisation.id"],
            name=op.f("fk_dismantling_record_plant_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
            name=op.f("fk_dismantling_record_recorded_by_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_dismantling_record_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismantling_record")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_dismantling_record_unit_id")),
    )
    with op.batch_alter_table("dismantling_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dismantling_record_dismantled_at"), ["dismantled_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dismantling_record_plant_id"), ["plant_id"], unique=False
        )

    op.create_table(
        "journal_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=6), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("side IN ('debit', 'credit')", name=op.f("ck_journal_line_side_known")),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_journal_line_amount_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_account.id"],
            name=op.f("fk_journal_line_account_id_ledger_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entry.id"], name=op.f("fk_journal_line_entry_id_journal_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_line")),
    )
    with op.batch_alter_table("journal_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_line_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_journal_line_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "lot_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=False),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_lot_status_change_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lot.id"], name=op.f("fk_lot_status_change_lot_id_lot")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_status_change")),
    )
    with op.batch_alter_table("lot_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_status_change_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "lot_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_lot_unit_lot_id_lot")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_lot_unit_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_unit")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_lot_unit_unit_id")),
    )
    with op.batch_alter_table("lot_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_unit_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "pickup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_name", sa.String(length=60), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("estimated_grams", sa.Integer(), nullable=False),
        sa.Column("quoted_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("collector_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'assigned', 'collected', 'cancelled', 'expired')",
            name=op.f("ck_pickup_status_known"),
        ),
        sa.CheckConstraint("estimated_grams > 0", name=op.f("ck_pickup_estimated_grams_positive")),
        sa.CheckConstraint("window_start < window_end", name=op.f("ck_pickup_window_ordered")),
        sa.ForeignKeyConstraint(
            ["collector_id"], ["organisation.id"], name=op.f("fk_pickup_collector_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["organisation.id"], name=op.f("fk_pickup_household_id_organisation")
        ),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"], name=op.f("fk_pickup_quote_id_quote")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup")),
        sa.UniqueConstraint("quote_id", name=op.f("uq_pickup_quote_id")),
    )
    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pickup_collector_id"), ["collector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pickup_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pickup_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_pickup_window_end"), ["window_end"], unique=False)
        batch_op.create_index(batch_op.f("ix_pickup_window_start"), ["window_start"], unique=False)

    op.create_table(
        "quote_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.String(length=400), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_quote_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["category_code"], ["category.code"], name=op.f("fk_quote_line_category_code_category")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quote.id"], name=op.f("fk_quote_line_quote_id_quote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_line")),
    )
    with op.batch_alter_table("quote_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_line_quote_id"), ["quote_id"], unique=False)

    op.create_table(
        "quote_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=False),
        sa.Column("to_status", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_quote_status_change_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quote.id"], name=op.f("fk_quote_status_change_quote_id_quote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_status_change")),
    )
    with op.batch_alter_table("quote_status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quote_status_change_quote_id"), ["quote_id"], unique=False
        )

    op.create_table(
        "dismantling_output",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("fraction", sa.String(length=20), nullable=False),
        sa.Column("grams", sa.Integer(), nullable=False),
        sa.CheckConstraint("grams >= 0", name=op.f("ck_dismantling_output_grams_non_negative")),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["dismantling_record.id"],
            name=op.f("fk_dismantling_output_record_id_dismantling_record"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismantling_output")),
        sa.UniqueConstraint(
            "record_id", "fraction", name=op.f("uq_dismantling_output_record_id_fraction")
        ),
    )
    with op.batch_alter_table("dismantling_output", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dismantling_output_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "pickup_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pickup_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=False),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_pickup_status_change_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["pickup_id"], ["pickup.id"], name=op.f("fk_pickup_status_change_pickup_id_pickup")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_status_change")),
    )
    with op.batch_alter_table("pickup_status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pickup_status_change_pickup_id"), ["pickup_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pickup_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pickup_status_change_pickup_id"))

    op.drop_table("pickup_status_change")
    with op.batch_alter_table("dismantling_output", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dismantling_output_record_id"))

    op.drop_table("dismantling_output")
    with op.batch_alter_table("quote_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_status_change_quote_id"))

    op.drop_table("quote_status_change")
    with op.batch_alter_table("quote_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_line_quote_id"))

    op.drop_table("quote_line")
    with op.batch_alter_table("pickup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pickup_window_start"))
        batch_op.drop_index(batch_op.f("ix_pickup_window_end"))
        batch_op.drop_index(batch_op.f("ix_pickup_status"))
        batch_op.drop_index(batch_op.f("ix_pickup_household_id"))
        batch_op.drop_index(batch_op.f("ix_pickup_collector_id"))

    op.drop_table("pickup")
    with op.batch_alter_table("lot_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_unit_lot_id"))

    op.drop_table("lot_unit")
    with op.batch_alter_table("lot_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_status_change_lot_id"))

    op.drop_table("lot_status_change")
    with op.batch_alter_table("journal_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_line_entry_id"))
        batch_op.drop_index(batch_op.f("ix_journal_line_account_id"))

    op.drop_table("journal_line")
    with op.batch_alter_table("dismantling_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dismantling_record_plant_id"))
        batch_op.drop_index(batch_op.f("ix_dismantling_record_dismantled_at"))

    op.drop_table("dismantling_record")
    with op.batch_alter_table("custody_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_event_unit_id"))
        batch_op.drop_index(batch_op.f("ix_custody_event_occurred_at"))

    op.drop_table("custody_event")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_status"))
        batch_op.drop_index(batch_op.f("ix_unit_source_ref"))
        batch_op.drop_index(batch_op.f("ix_unit_household_id"))
        batch_op.drop_index(batch_op.f("ix_unit_holder_id"))
        batch_op.drop_index(batch_op.f("ix_unit_category_code"))

    op.drop_table("unit")
    with op.batch_alter_table("station_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_station_receipt_station_id"))
        batch_op.drop_index(batch_op.f("ix_station_receipt_collector_id"))

    op.drop_table("station_receipt")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_status"))
        batch_op.drop_index(batch_op.f("ix_quote_household_id"))
        batch_op.drop_index(batch_op.f("ix_quote_expires_at"))

    op.drop_table("quote")
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_status"))
        batch_op.drop_index(batch_op.f("ix_lot_station_id"))
        batch_op.drop_index(batch_op.f("ix_lot_plant_id"))
        batch_op.drop_index(batch_op.f("ix_lot_category_code"))

    op.drop_table("lot")
    with op.batch_alter_table("ledger_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_account_owner_id"))

    op.drop_table("ledger_account")
    op.drop_table("collector_profile")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_organisation_id"))

    op.drop_table("app_user")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_role"))

    op.drop_table("organisation")
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entry_source"))
        batch_op.drop_index(batch_op.f("ix_journal_entry_occurred_at"))

    op.drop_table("journal_entry")
    op.drop_table("category")
