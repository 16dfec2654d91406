"""Import history (batches and the changes they made), staged uploads, import keys, admin settings, project update date

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("updated_on", sa.Date(), nullable=True))
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("region_adcode", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rolled_back_at", sa.DateTime(), nullable=True),
        sa.Column("rolled_back_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_import_batch"),
    )
    op.create_index("ix_import_batch_kind", "import_batch", ["kind", "created_at"])
    op.create_table(
        "import_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_key", sa.String(200), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.CheckConstraint("action IN ('insert', 'update', 'delete')", name="ck_import_change_action"),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"], name="fk_import_change_batch_id_import_batch",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_import_change"),
    )
    op.create_index("ix_import_change_batch", "import_change", ["batch_id", "id"])
    # Imports find the rows they wrote by these keys (data_access/imports).
    for table in ("visit", "inspection", "lead"):
        op.add_column(table, sa.Column("source_key", sa.String(64), nullable=True))
        op.create_index(f"uq_{table}_source_key", table, ["source_key"], unique=True)
    op.create_table(
        "import_upload",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_import_upload"),
    )
    op.create_index("ix_import_upload_created", "import_upload", ["created_at"])
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_app_setting"),
    )


def downgrade() -> None:
    op.drop_table("app_setting")
    op.drop_table("import_upload")
    for table in ("visit", "inspection", "lead"):
        op.drop_index(f"uq_{table}_source_key", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source_key")
    op.drop_table("import_change")
    op.drop_table("import_batch")
    with op.batch_alter_table("project") as batch:
        batch.drop_column("updated_on")
