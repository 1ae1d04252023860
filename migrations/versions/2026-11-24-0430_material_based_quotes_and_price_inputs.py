"""Material-based quotes with a stored breakdown, and versioned price inputs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 04:30:00+00:00

Foundation quotes (priced from the per-category list) keep their lines: each old
quote_line becomes an item and a "price_list" line of the quote's JSON breakdown.
price_input is append-only, like the ledger: a trigger refuses UPDATE and DELETE.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "price_input",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("micro_yuan", sa.BigInteger(), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('commodity', 'treatment_per_kg', 'treatment_per_unit', 'reuse', 'bonus', "
            "'transport_per_km', 'transport_per_kg', 'subsidy_share')",
            name=op.f("ck_price_input_kind_known"),
        ),
        sa.CheckConstraint("micro_yuan >= 0", name=op.f("ck_price_input_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["app_user.id"], name=op.f("fk_price_input_entered_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_input")),
    )
    with op.batch_alter_table("price_input", schema=None) as batch_op:
        batch_op.create_index(
            "ix_price_input_lookup", ["region", "kind", "key", "effective_from"], unique=False
        )

    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("net_fen_exact", sa.String(length=40), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("free_collection", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("region", sa.String(length=40), nullable=False, server_default="shenzhen")
        )
        batch_op.add_column(
            sa.Column(
                "catalogue_version",
                sa.String(length=16),
                nullable=False,
                server_default="foundation",
            )
        )
        batch_op.add_column(
            sa.Column("price_book_max_id", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("breakdown", sa.Text(), nullable=False, server_default=EMPTY))
    _carry_foundation_lines()
    with op.batch_alter_table("quote_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_line_quote_id"))
    op.drop_table("quote_line")
    _append_only("price_input")


EMPTY = '{"distance_m":0,"items":[],"lines":[]}'


def _carry_foundation_lines() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT l.quote_id, l.category_code, l.quantity, l.unit_price_fen, l.total_fen, "
            "l.basis, c.typical_mass_g FROM quote_line l JOIN category c "
            "ON c.code = l.category_code ORDER BY l.quote_id, l.id"
        )
    ).fetchall()
    by_quote: dict[int, list[tuple]] = {}
    for row in rows:
        by_quote.setdefault(row[0], []).append(tuple(row))
    for quote_id, lines in by_quote.items():
        items, out, net = [], [], 0
        for index, (_, category, qty, unit_fen, total_fen, basis, mass) in enumerate(lines):
            net += total_fen
            items.append(
                {
                    "index": index,
                    "category": category,
                    "quantity": qty,
                    "attributes": {},
                    "works": True,
                    "conditions": [],
                    "producer": "",
                    "unit_mass_g": mass,
                    "variant": "",
                    "subtotal_fen": str(total_fen),
                    "estimate": True,
                }
            )
            out.append(
                {
                    "item": index,
                    "kind": "price_list",
                    "key": category,
                    "quantity": str(qty),
                    "unit": "unit",
                    "unit_price_yuan": str(unit_fen / 100),
                    "amount_fen": str(total_fen),
                    "source": basis,
                    "estimate": True,
                    "input_id": None,
                }
            )
        breakdown = json.dumps(
            {"distance_m": 0, "items": items, "lines": out},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        bind.execute(
            sa.text("UPDATE quote SET breakdown = :b, net_fen_exact = :n WHERE id = :i"),
            {"b": breakdown, "n": str(net), "i": quote_id},
        )


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS price_input_append_only ON price_input")
    else:
        op.execute("DROP TRIGGER IF EXISTS price_input_no_update")
        op.execute("DROP TRIGGER IF EXISTS price_input_no_delete")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_column("breakdown")
        batch_op.drop_column("price_book_max_id")
        batch_op.drop_column("catalogue_version")
        batch_op.drop_column("region")
        batch_op.drop_column("free_collection")
        batch_op.drop_column("net_fen_exact")

    op.create_table(
        "quote_line",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("quote_id", sa.INTEGER(), nullable=False),
        sa.Column("category_code", sa.VARCHAR(length=40), nullable=False),
        sa.Column("quantity", sa.INTEGER(), nullable=False),
        sa.Column("unit_price_fen", sa.BIGINT(), nullable=False),
        sa.Column("total_fen", sa.BIGINT(), nullable=False),
        sa.Column("basis", sa.VARCHAR(length=400), nullable=False),
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

    with op.batch_alter_table("price_input", schema=None) as batch_op:
        batch_op.drop_index("ix_price_input_lookup")

    op.drop_table("price_input")
