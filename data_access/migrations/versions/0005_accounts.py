"""Accounts, sessions, display tokens and the audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("region_adcode", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'analyst', 'data_manager', 'admin')", name="ck_app_user_role"),
        sa.ForeignKeyConstraint(["region_adcode"], ["region.adcode"], name="fk_app_user_region_adcode_region"),
        sa.PrimaryKeyConstraint("id", name="pk_app_user"),
        sa.UniqueConstraint("username", name="uq_app_user_username"),
    )
    op.create_table(
        "display_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("region_adcode", sa.Integer(), nullable=False),
        sa.Column("playlist", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["region_adcode"], ["region.adcode"], name="fk_display_token_region_adcode_region"),
        sa.PrimaryKeyConstraint("id", name="pk_display_token"),
        sa.UniqueConstraint("name", name="uq_display_token_name"),
        sa.UniqueConstraint("token_hash", name="uq_display_token_token_hash"),
    )
    op.create_table(
        "login_session",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("display_token_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("address", sa.String(45), nullable=True),
        sa.CheckConstraint("(user_id IS NULL) <> (display_token_id IS NULL)", name="ck_login_session_one_holder"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name="fk_login_session_user_id_app_user",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["display_token_id"], ["display_token.id"],
                                name="fk_login_session_display_token_id_display_token", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_login_session"),
    )
    op.create_index("ix_login_session_user", "login_session", ["user_id"])
    op.create_index("ix_login_session_token", "login_session", ["display_token_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("region_adcode", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("address", sa.String(45), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor", "action", "at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action", "at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("login_session")
    op.drop_table("display_token")
    op.drop_table("app_user")
