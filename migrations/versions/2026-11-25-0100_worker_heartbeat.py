"""Worker: a heartbeat per worker process

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-25 01:00:00+00:00

`worker_heartbeat`: one row per worker process (`host:pid`), its start and the end of its
latest round; the staff page and `/healthz` say when a worker last ran.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.types import UTCDateTime

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "worker_heartbeat"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("rounds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(op.f(f"ix_{TABLE}_seen_at"), TABLE, ["seen_at"])


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{TABLE}_seen_at"), table_name=TABLE)
    op.drop_table(TABLE)
