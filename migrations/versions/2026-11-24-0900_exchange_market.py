"""The exchange market: plant licences and conformity assessments, sealed-bid auctions,
standing bids and contracts; lots record how they are sold

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 09:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("reserve_fen", sa.BigInteger(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("winning_bid_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'awarded', 'unsold')", name=op.f("ck_auction_status_known")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_auction_lot_id_lot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auction")),
        sa.UniqueConstraint("lot_id", name=op.f("uq_auction_lot_id")),
    )
    with op.batch_alter_table("auction", schema=None) as batch_op:
        batch_op.create_index("ix_auction_due", ["status", "closes_at"], unique=False)

    op.create_table(
        "plant_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.String(length=2000), nullable=False),
        sa.Column("environment_score", sa.Integer(), nullable=False),
        sa.Column("ohs_score", sa.Integer(), nullable=False),
        sa.Column("social_score", sa.Integer(), nullable=False),
        sa.Column("total_score", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'passed', 'failed')",
            name=op.f("ck_plant_assessment_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"],
            ["organisation.id"],
            name=op.f("fk_plant_assessment_plant_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_plant_assessment_recorded_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["app_user.id"], name=op.f("fk_plant_assessment_reviewed_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plant_assessment")),
    )
    with op.batch_alter_table("plant_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plant_assessment_plant_id"), ["plant_id"], unique=False
        )

    op.create_table(
        "plant_licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("province", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("valid_from <= valid_to", name=op.f("ck_plant_licence_valid_period")),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["organisation.id"], name=op.f("fk_plant_licence_plant_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_plant_licence_recorded_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plant_licence")),
        sa.UniqueConstraint("number", name=op.f("uq_plant_licence_number")),
    )
    with op.batch_alter_table("plant_licence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plant_licence_plant_id"), ["plant_id"], unique=False)

    op.create_table(
        "standing_bid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("basis", sa.String(length=4), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("radius_km", sa.Integer(), nullable=False),
        sa.Column("units_per_month", sa.Integer(), nullable=False),
        sa.Column("used_month", sa.String(length=7), nullable=False),
        sa.Column("used_units", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("basis IN ('unit', 'kg')", name=op.f("ck_standing_bid_basis_known")),
        sa.CheckConstraint(
            "status IN ('open', 'withdrawn')", name=op.f("ck_standing_bid_status_known")
        ),
        sa.CheckConstraint("price_fen > 0", name=op.f("ck_standing_bid_price_positive")),
        sa.CheckConstraint("units_per_month > 0", name=op.f("ck_standing_bid_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["category.code"],
            name=op.f("fk_standing_bid_category_code_category"),
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["organisation.id"], name=op.f("fk_standing_bid_plant_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["posted_by"], ["app_user.id"], name=op.f("fk_standing_bid_posted_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_bid")),
    )
    with op.batch_alter_table("standing_bid", schema=None) as batch_op:
        batch_op.create_index(
            "ix_standing_bid_open_category", ["category_code", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_standing_bid_plant_id"), ["plant_id"], unique=False)

    op.create_table(
        "auction_bid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auction_id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_by", sa.Integer(), nullable=False),
        sa.CheckConstraint("price_fen > 0", name=op.f("ck_auction_bid_price_positive")),
        sa.ForeignKeyConstraint(
            ["auction_id"], ["auction.id"], name=op.f("fk_auction_bid_auction_id_auction")
        ),
        sa.ForeignKeyConstraint(
            ["placed_by"], ["app_user.id"], name=op.f("fk_auction_bid_placed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["organisation.id"], name=op.f("fk_auction_bid_plant_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auction_bid")),
        sa.UniqueConstraint(
            "auction_id", "plant_id", name=op.f("uq_auction_bid_auction_id_plant_id")
        ),
    )
    with op.batch_alter_table("auction_bid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auction_bid_auction_id"), ["auction_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_auction_bid_plant_id"), ["plant_id"], unique=False)

    op.create_table(
        "plant_licence_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("annual_units", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "annual_units > 0", name=op.f("ck_plant_licence_category_annual_units_positive")
        ),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["category.code"],
            name=op.f("fk_plant_licence_category_category_code_category"),
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["plant_licence.id"],
            name=op.f("fk_plant_licence_category_licence_id_plant_licence"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plant_licence_category")),
        sa.UniqueConstraint(
            "licence_id",
            "category_code",
            name=op.f("uq_plant_licence_category_licence_id_category_code"),
        ),
    )
    with op.batch_alter_table("plant_licence_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plant_licence_category_licence_id"), ["licence_id"], unique=False
        )

    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=14), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("grams", sa.Integer(), nullable=False),
        sa.Column("transport_fen", sa.BigInteger(), nullable=False),
        sa.Column("delivery_terms", sa.String(length=300), nullable=False),
        sa.Column("auction_bid_id", sa.Integer(), nullable=True),
        sa.Column("standing_bid_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "method IN ('fixed_price', 'auction', 'standing_bid')",
            name=op.f("ck_contract_method_known"),
        ),
        sa.CheckConstraint(
            "status IN ('awarded', 'shipped', 'received', 'disputed')",
            name=op.f("ck_contract_status_known"),
        ),
        sa.CheckConstraint("price_fen > 0", name=op.f("ck_contract_price_positive")),
        sa.ForeignKeyConstraint(
            ["auction_bid_id"],
            ["auction_bid.id"],
            name=op.f("fk_contract_auction_bid_id_auction_bid"),
        ),
        sa.ForeignKeyConstraint(
            ["category_code"], ["category.code"], name=op.f("fk_contract_category_code_category")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_contract_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["organisation.id"], name=op.f("fk_contract_plant_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["standing_bid_id"],
            ["standing_bid.id"],
            name=op.f("fk_contract_standing_bid_id_standing_bid"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["organisation.id"], name=op.f("fk_contract_station_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("lot_id", name=op.f("uq_contract_lot_id")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contract_capacity", ["plant_id", "category_code", "awarded_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contract_station_id"), ["station_id"], unique=False)

    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sale_method",
                sa.String(length=14),
                nullable=False,
                server_default="fixed_price",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_column("sale_method")

    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_station_id"))
        batch_op.drop_index("ix_contract_capacity")

    op.drop_table("contract")
    with op.batch_alter_table("plant_licence_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plant_licence_category_licence_id"))

    op.drop_table("plant_licence_category")
    with op.batch_alter_table("auction_bid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auction_bid_plant_id"))
        batch_op.drop_index(batch_op.f("ix_auction_bid_auction_id"))

    op.drop_table("auction_bid")
    with op.batch_alter_table("standing_bid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_bid_plant_id"))
        batch_op.drop_index("ix_standing_bid_open_category")

    op.drop_table("standing_bid")
    with op.batch_alter_table("plant_licence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plant_licence_plant_id"))

    op.drop_table("plant_licence")
    with op.batch_alter_table("plant_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plant_assessment_plant_id"))

    op.drop_table("plant_assessment")
    with op.batch_alter_table("auction", schema=None) as batch_op:
        batch_op.drop_index("ix_auction_due")

    op.drop_table("auction")
