"""Exchange: reception discrepancies and their decisions, lot photos, the matching queue

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 11:00:00+00:00

- `lot_discrepancy` (one per lot: what did not match at reception, the evidence, the decision
  and the adjusted price), its unit codes (`lot_discrepancy_unit`: missing or extra) and its
  append-only history (`lot_discrepancy_status_change`, guarded like the other histories);
- `lot_photo`: photo references of a lot;
- `ix_lot_match_queue` (sale_method, status, id): the worker's claim of listed lots waiting
  for standing-bid matching;
- custody: the unit status `missing` and the event kind `unit:missing:reception` join their
  CHECK constraints. SQLite cannot alter a CHECK constraint, and rebuilding `unit` would
  break the foreign keys that point at it, so on SQLite the constraint's text is widened in
  place (SQLite's documented procedure for schema changes that leave stored rows valid).
  See docs/adr/0015.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards, drop_append_only_guards
from ewaste.db.check_constraints import set_check, values_in

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIT_STATUSES = ("with_collector", "at_station", "in_transit", "at_plant", "dismantled")
EVENT_KINDS = (
    "unit:collect:door",
    "unit:deliver:station",
    "unit:ship:dispatch",
    "unit:receive:plant",
    "unit:dismantle:record",
)
HISTORY = "lot_discrepancy_status_change"


def upgrade() -> None:
    op.create_table(
        "lot_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_lot_photo_lot_id_lot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_photo")),
        sa.UniqueConstraint("lot_id", "ref", name=op.f("uq_lot_photo_lot_id_ref")),
    )
    op.create_index(op.f("ix_lot_photo_lot_id"), "lot_photo", ["lot_id"], unique=False)
    op.create_table(
        "lot_discrepancy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("plant_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.String(length=60), nullable=False),
        sa.Column("lot_units", sa.Integer(), nullable=False),
        sa.Column("received_units", sa.Integer(), nullable=False),
        sa.Column("missing_units", sa.Integer(), nullable=False),
        sa.Column("extra_units", sa.Integer(), nullable=False),
        sa.Column("lot_grams", sa.Integer(), nullable=False),
        sa.Column("expected_grams", sa.Integer(), nullable=False),
        sa.Column("received_grams", sa.Integer(), nullable=False),
        sa.Column("tolerance_basis_points", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("contract_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("adjusted_price_fen", sa.BigInteger(), nullable=True),
        sa.Column("decided_by", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "adjusted_price_fen IS NULL OR "
            "(adjusted_price_fen >= 0 AND adjusted_price_fen <= contract_price_fen)",
            name=op.f("ck_lot_discrepancy_adjusted_within_price"),
        ),
        sa.CheckConstraint(
            "contract_price_fen > 0", name=op.f("ck_lot_discrepancy_price_positive")
        ),
        sa.CheckConstraint(
            "decided_by IS NULL OR decided_by IN ('rule', 'operator')",
            name=op.f("ck_lot_discrepancy_decider_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'decided')", name=op.f("ck_lot_discrepancy_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_lot_discrepancy_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user"],
            ["app_user.id"],
            name=op.f("fk_lot_discrepancy_decided_by_user_app_user"),
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_lot_discrepancy_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["app_user.id"], name=op.f("fk_lot_discrepancy_opened_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["organisation.id"], name=op.f("fk_lot_discrepancy_plant_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["organisation.id"],
            name=op.f("fk_lot_discrepancy_station_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_discrepancy")),
        sa.UniqueConstraint("lot_id", name=op.f("uq_lot_discrepancy_lot_id")),
    )
    op.create_index("ix_lot_discrepancy_status", "lot_discrepancy", ["status", "id"], unique=False)
    op.create_index(
        op.f("ix_lot_discrepancy_plant_id"), "lot_discrepancy", ["plant_id"], unique=False
    )
    op.create_index(
        op.f("ix_lot_discrepancy_station_id"), "lot_discrepancy", ["station_id"], unique=False
    )
    op.create_table(
        "lot_discrepancy_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discrepancy_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "kind IN ('missing', 'extra')", name=op.f("ck_lot_discrepancy_unit_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["discrepancy_id"],
            ["lot_discrepancy.id"],
            name=op.f("fk_lot_discrepancy_unit_discrepancy_id_lot_discrepancy"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_discrepancy_unit")),
        sa.UniqueConstraint(
            "discrepancy_id",
            "unit_code",
            name=op.f("uq_lot_discrepancy_unit_discrepancy_id_unit_code"),
        ),
    )
    op.create_index(
        op.f("ix_lot_discrepancy_unit_discrepancy_id"),
        "lot_discrepancy_unit",
        ["discrepancy_id"],
        unique=False,
    )
    op.create_table(
        HISTORY,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discrepancy_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=False),
        sa.Column("to_status", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f(f"fk_{HISTORY}_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["discrepancy_id"],
            ["lot_discrepancy.id"],
            name=op.f(f"fk_{HISTORY}_discrepancy_id_lot_discrepancy"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{HISTORY}")),
    )
    op.create_index(op.f(f"ix_{HISTORY}_discrepancy_id"), HISTORY, ["discrepancy_id"])
    add_append_only_guards(HISTORY)
    op.create_index("ix_lot_match_queue", "lot", ["sale_method", "status", "id"], unique=False)
    set_check("unit", "ck_unit_status_known", values_in("status", (*UNIT_STATUSES, "missing")))
    set_check(
        "custody_event",
        "ck_custody_event_kind_known",
        values_in("kind", (*EVENT_KINDS, "unit:missing:reception")),
    )


def downgrade() -> None:
    set_check("custody_event", "ck_custody_event_kind_known", values_in("kind", EVENT_KINDS))
    set_check("unit", "ck_unit_status_known", values_in("status", UNIT_STATUSES))
    op.drop_index("ix_lot_match_queue", table_name="lot")
    drop_append_only_guards(HISTORY)
    op.drop_index(op.f(f"ix_{HISTORY}_discrepancy_id"), table_name=HISTORY)
    op.drop_table(HISTORY)
    op.drop_index(op.f("ix_lot_discrepancy_unit_discrepancy_id"), table_name="lot_discrepancy_unit")
    op.drop_table("lot_discrepancy_unit")
    op.drop_index(op.f("ix_lot_discrepancy_station_id"), table_name="lot_discrepancy")
    op.drop_index(op.f("ix_lot_discrepancy_plant_id"), table_name="lot_discrepancy")
    op.drop_index("ix_lot_discrepancy_status", table_name="lot_discrepancy")
    op.drop_table("lot_discrepancy")
    op.drop_index(op.f("ix_lot_photo_lot_id"), table_name="lot_photo")
    op.drop_table("lot_photo")
