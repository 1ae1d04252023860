"""Money: credit scores and the partner option pool

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 12:30:00+00:00

`credit_score` keeps one row per collector or station and week, with every count the
formula read (append-only); `credit_party` is the row the worker claims to score a
party once a week. The option pool is one row (`option_pool`, id 1) whose CHECKs hold
the hard invariant: the pool is at most 20 % of the equity and never more is
outstanding than it holds. Partners move along a state table with a history;
`partner_run` is unique per month (a month is closed once); grants, vestings and
forfeitures are append-only events (docs/adr/0018). Triggers refuse UPDATE and DELETE
on the append-only tables, as migration 0002 does for the ledger and custody.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ewaste.db.append_only import add_append_only_guards, drop_append_only_guards
from ewaste.db.types import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    "credit_score",
    "option_pool_change",
    "partner_status_change",
    "option_grant",
    "option_vesting",
    "option_forfeiture",
)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    ref_table = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{ref_table}")
    )


def upgrade() -> None:
    op.create_table(
        "credit_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.Column("formula_version", sa.String(8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(8), nullable=False),
        sa.Column("volume_grams", sa.BigInteger(), nullable=False),
        sa.Column("months_active", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("accurate", sa.Integer(), nullable=False),
        sa.Column("inaccurate", sa.Integer(), nullable=False),
        sa.Column("clean", sa.Integer(), nullable=False),
        sa.Column("disputes_lost", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "score >= 0 AND score <= 1000", name=op.f("ck_credit_score_score_bounded")
        ),
        sa.CheckConstraint(
            "tier IN ('top', 'middle', 'new')", name=op.f("ck_credit_score_tier_known")
        ),
        _fk("credit_score", "organisation_id", "organisation.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_score")),
        sa.UniqueConstraint(
            "organisation_id", "period", name=op.f("uq_credit_score_organisation_id_period")
        ),
    )
    op.create_index(op.f("ix_credit_score_organisation_id"), "credit_score", ["organisation_id"])
    op.create_table(
        "credit_party",
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("last_period", sa.String(10), nullable=True),
        sa.Column("last_score_id", sa.Integer(), nullable=True),
        _fk("credit_party", "organisation_id", "organisation.id"),
        _fk("credit_party", "last_score_id", "credit_score.id"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_credit_party")),
    )
    op.create_index(op.f("ix_credit_party_last_period"), "credit_party", ["last_period"])
    op.create_table(
        "option_pool",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("total_shares", sa.BigInteger(), nullable=False),
        sa.Column("cap_shares", sa.BigInteger(), nullable=False),
        sa.Column("outstanding_shares", sa.BigInteger(), nullable=False),
        sa.Column("threshold_grams", sa.BigInteger(), nullable=False),
        sa.Column("qualify_months", sa.Integer(), nullable=False),
        sa.Column("monthly_grant_shares", sa.BigInteger(), nullable=False),
        sa.Column("vesting_months", sa.Integer(), nullable=False),
        sa.Column("cliff_months", sa.Integer(), nullable=False),
        sa.Column("inactive_months", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_option_pool_single_row")),
        sa.CheckConstraint(
            "cap_shares * 10000 <= total_shares * 2000",
            name=op.f("ck_option_pool_cap_within_20_percent"),
        ),
        sa.CheckConstraint(
            "outstanding_shares >= 0 AND outstanding_shares <= cap_shares",
            name=op.f("ck_option_pool_outstanding_within_cap"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_pool")),
    )
    op.create_table(
        "option_pool_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=False),
        sa.Column("total_shares", sa.BigInteger(), nullable=False),
        sa.Column("cap_shares", sa.BigInteger(), nullable=False),
        sa.Column("terms", sa.String(300), nullable=False),
        _fk("option_pool_change", "by_user", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_pool_change")),
    )
    op.create_table(
        "partner",
        sa.Column("organisation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("qualified_month", sa.String(7), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'lapsed', 'left')", name=op.f("ck_partner_status_known")
        ),
        _fk("partner", "organisation_id", "organisation.id"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_partner")),
    )
    op.create_index(op.f("ix_partner_status"), "partner", ["status"])
    op.create_table(
        "partner_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(10), nullable=False),
        sa.Column("to_status", sa.String(10), nullable=False),
        sa.Column("event", sa.String(10), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        _fk("partner_status_change", "organisation_id", "partner.organisation_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_status_change")),
    )
    op.create_index(
        op.f("ix_partner_status_change_organisation_id"),
        "partner_status_change",
        ["organisation_id"],
    )
    op.create_table(
        "partner_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("ran_at", UTCDateTime(), nullable=False),
        sa.Column("qualified", sa.Integer(), nullable=False),
        sa.Column("lapsed", sa.Integer(), nullable=False),
        sa.Column("granted_shares", sa.BigInteger(), nullable=False),
        sa.Column("vested_shares", sa.BigInteger(), nullable=False),
        sa.Column("forfeited_shares", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_run")),
        sa.UniqueConstraint("month", name=op.f("uq_partner_run_month")),
    )
    op.create_table(
        "option_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(14), nullable=False),
        sa.Column("shares", sa.BigInteger(), nullable=False),
        sa.Column("volume_grams", sa.BigInteger(), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("by_user", sa.Integer(), nullable=True),
        sa.Column("vesting_months", sa.Integer(), nullable=False),
        sa.Column("cliff_months", sa.Integer(), nullable=False),
        sa.CheckConstraint("shares > 0", name=op.f("ck_option_grant_shares_positive")),
        sa.CheckConstraint(
            "kind IN ('monthly', 'discretionary')", name=op.f("ck_option_grant_kind_known")
        ),
        _fk("option_grant", "organisation_id", "partner.organisation_id"),
        _fk("option_grant", "run_id", "partner_run.id"),
        _fk("option_grant", "by_user", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_grant")),
    )
    op.create_index(op.f("ix_option_grant_organisation_id"), "option_grant", ["organisation_id"])
    op.create_table(
        "option_vesting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("shares", sa.BigInteger(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("shares > 0", name=op.f("ck_option_vesting_shares_positive")),
        _fk("option_vesting", "grant_id", "option_grant.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_vesting")),
        sa.UniqueConstraint("grant_id", "month", name=op.f("uq_option_vesting_grant_id_month")),
    )
    op.create_index(op.f("ix_option_vesting_grant_id"), "option_vesting", ["grant_id"])
    op.create_table(
        "option_forfeiture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("shares", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(10), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("shares > 0", name=op.f("ck_option_forfeiture_shares_positive")),
        _fk("option_forfeiture", "grant_id", "option_grant.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_forfeiture")),
        sa.UniqueConstraint("grant_id", name=op.f("uq_option_forfeiture_grant_id")),
    )
    add_append_only_guards(*APPEND_ONLY)


def downgrade() -> None:
    drop_append_only_guards(*APPEND_ONLY)
    op.drop_table("option_forfeiture")
    op.drop_index(op.f("ix_option_vesting_grant_id"), table_name="option_vesting")
    op.drop_table("option_vesting")
    op.drop_index(op.f("ix_option_grant_organisation_id"), table_name="option_grant")
    op.drop_table("option_grant")
    op.drop_table("partner_run")
    op.drop_index(
        op.f("ix_partner_status_change_organisation_id"), table_name="partner_status_change"
    )
    op.drop_table("partner_status_change")
    op.drop_index(op.f("ix_partner_status"), table_name="partner")
    op.drop_table("partner")
    op.drop_table("option_pool_change")
    op.drop_table("option_pool")
    op.drop_index(op.f("ix_credit_party_last_period"), table_name="credit_party")
    op.drop_table("credit_party")
    op.drop_index(op.f("ix_credit_score_organisation_id"), table_name="credit_score")
    op.drop_table("credit_score")
