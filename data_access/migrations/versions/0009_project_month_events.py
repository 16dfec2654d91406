"""Event rows in project_month: starts, productions and receipts by month, per signing month

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

A period that ends before the last date on record (a past year, the year-ago comparison of every
"this year" view) is read from the roll-up too: what happened after its end is taken away by
month (rollup_project.py: the 'k', 'r' and 'f' rows). The triggers learn the new rows, and the
roll-up is computed again.
"""
from __future__ import annotations

from alembic import op

from data_access import rollup_project

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    rollup_project.drop_triggers(conn)
    rollup_project.rebuild(conn)
    rollup_project.create_triggers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("DELETE FROM project_month WHERE dim IN ('k', 'r', 'f')")
    # The triggers are the code's: a downgrade to 0008 keeps them writing the event rows, which
    # that revision does not read.
