"""Exchange: units missing at reception that are found back at the station

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-25 00:30:00+00:00

A unit the plant reported missing from the load that turns up at the station that shipped
it (never loaded) goes back into the station's stock: the custody event kind
`unit:find:station` joins its CHECK constraint (in place on SQLite, as in 0014). It leaves
its lot: `lot_unit.released_at`, and "one lot per unit" becomes "one lot at a time" (a
partial unique index on the memberships not released). `lot_found_unit` records where it
was found (`place`: plant or station; a station's find pays nothing).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards, drop_append_only_guards
from ewaste.db.check_constraints import set_check, values_in
from ewaste.db.types import UTCDateTime

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HELD = sa.text("released_at IS NULL")
EVENT_KINDS = (
    "unit:collect:door",
    "unit:deliver:station",
    "unit:ship:dispatch",
    "unit:receive:plant",
    "unit:dismantle:record",
    "unit:missing:reception",
)
FIND = "unit:find:station"
KINDS_CHECK = "ck_custody_event_kind_known"


def upgrade() -> None:
    set_check("custody_event", KINDS_CHECK, values_in("kind", (*EVENT_KINDS, FIND)))
    with op.batch_alter_table("lot_unit") as batch:
        batch.add_column(sa.Column("released_at", UTCDateTime(), nullable=True))
        batch.drop_constraint(op.f("uq_lot_unit_unit_id"), type_="unique")
        batch.create_index(op.f("ix_lot_unit_unit_id"), ["unit_id"])
    op.create_index(
        "uq_lot_unit_unit_id_held",
        "lot_unit",
        ["unit_id"],
        unique=True,
        sqlite_where=HELD,
        postgresql_where=HELD,
    )
    drop_append_only_guards("lot_found_unit")
    with op.batch_alter_table("lot_found_unit") as batch:
        batch.add_column(sa.Column("place", sa.String(10), nullable=False, server_default="plant"))
        batch.create_check_constraint(
            op.f("ck_lot_found_unit_place_known"), "place IN ('plant', 'station')"
        )
        batch.create_check_constraint(
            op.f("ck_lot_found_unit_station_finds_unpaid"), "place = 'plant' OR paid_fen = 0"
        )
    add_append_only_guards("lot_found_unit")


def downgrade() -> None:
    found = op.get_bind().execute(
        sa.text("SELECT count(*) FROM custody_event WHERE kind = :kind"), {"kind": FIND}
    )
    if found.scalar_one():
        raise RuntimeError(
            "custody events of units found at their station are recorded; the custody log is "
            "append-only, so this schema cannot be taken back below 0027"
        )
    set_check("custody_event", KINDS_CHECK, values_in("kind", EVENT_KINDS))
    # A unit listed again after it was found at its station is in two lots' histories;
    # one lot per unit cannot hold that: drop the released memberships first.
    op.execute("DELETE FROM lot_unit WHERE released_at IS NOT NULL")
    drop_append_only_guards("lot_found_unit")
    op.execute("DELETE FROM lot_found_unit WHERE place = 'station'")
    with op.batch_alter_table("lot_found_unit") as batch:
        batch.drop_constraint(op.f("ck_lot_found_unit_station_finds_unpaid"), type_="check")
        batch.drop_constraint(op.f("ck_lot_found_unit_place_known"), type_="check")
        batch.drop_column("place")
    add_append_only_guards("lot_found_unit")
    op.drop_index("uq_lot_unit_unit_id_held", table_name="lot_unit")
    with op.batch_alter_table("lot_unit") as batch:
        batch.drop_index(op.f("ix_lot_unit_unit_id"))
        batch.create_unique_constraint(op.f("uq_lot_unit_unit_id"), ["unit_id"])
        batch.drop_column("released_at")
