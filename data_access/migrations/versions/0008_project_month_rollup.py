"""The projects' figures per county and signing month, kept by triggers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

A cold view's statistics are read from whole months here rather than from every project
(data_access/area.py); triggers on project and funding keep it exact (rollup_project.py).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from data_access import rollup_project

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_month",
        sa.Column("dim", sa.String(1), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("county_adcode", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(16), nullable=False),
        sa.Column("city_adcode", sa.Integer(), nullable=False),
        *[sa.Column(c, sa.BigInteger() if c.endswith("_yuan") else sa.Integer(), nullable=False)
          for c in rollup_project.SUMS],
        sa.PrimaryKeyConstraint("dim", "month", "county_adcode", "value", name="pk_project_month"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_project_month_city", "project_month", ["city_adcode", "dim", "month"])
    for column in ("started_on", "production_on"):
        held = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_project_{column.removesuffix('_on')}", "project", [column],
                        sqlite_where=held, postgresql_where=held)
    pipeline = sa.text("started_on IS NULL AND terminated_on IS NULL")
    op.create_index("ix_project_pipeline", "project", ["contract_yuan", "signed_on", "city_adcode", "county_adcode"],
                    sqlite_where=pipeline, postgresql_where=pipeline)
    conn = op.get_bind()
    rollup_project.rebuild(conn)
    rollup_project.create_triggers(conn)


def downgrade() -> None:
    rollup_project.drop_triggers(op.get_bind())
    op.drop_index("ix_project_pipeline", table_name="project")
    op.drop_index("ix_project_production", table_name="project")
    op.drop_index("ix_project_started", table_name="project")
    op.drop_index("ix_project_month_city", table_name="project_month")
    op.drop_table("project_month")
