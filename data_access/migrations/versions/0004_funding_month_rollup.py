"""Funding summed per county and month, kept by triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

A region's 到位资金 for a period is read from whole months here and from funding only for the
days of the months the period cuts (queries.funds_by); triggers on funding keep it exact.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data_access import rollup

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funding_month",
        sa.Column("county_adcode", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("city_adcode", sa.Integer(), nullable=False),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_adcode", "month", name="pk_funding_month"),
    )
    op.create_index("ix_funding_month_city", "funding_month", ["city_adcode", "month", "county_adcode", "amount_yuan"])
    op.create_index("ix_funding_month_month", "funding_month", ["month", "city_adcode", "county_adcode", "amount_yuan"])
    conn = op.get_bind()
    rollup.rebuild(conn)
    rollup.create_triggers(conn)


def downgrade() -> None:
    rollup.drop_triggers(op.get_bind())
    op.drop_index("ix_funding_month_month", table_name="funding_month")
    op.drop_index("ix_funding_month_city", table_name="funding_month")
    op.drop_table("funding_month")
