"""Wall playlists: ordered cockpit states with a dwell time each; the search's pinyin key on projects

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "playlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_playlist"),
        sa.UniqueConstraint("name", name="uq_playlist_name"),
    )
    op.create_table(
        "playlist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("playlist_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("dwell_seconds", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(100), nullable=True),
        sa.CheckConstraint("dwell_seconds BETWEEN 5 AND 3600", name="ck_playlist_item_dwell"),
        sa.ForeignKeyConstraint(["playlist_id"], ["playlist.id"], ondelete="CASCADE",
                                name="fk_playlist_item_playlist_id_playlist"),
        sa.PrimaryKeyConstraint("id", name="pk_playlist_item"),
        sa.UniqueConstraint("playlist_id", "position", name="uq_playlist_item_position"),
    )
    _add_search_key()


def downgrade() -> None:
    with op.batch_alter_table("project") as batch:
        batch.drop_index("ix_project_contract_order")
        batch.drop_index("ix_project_search")
        batch.drop_column("search_key")
    op.drop_table("playlist_item")
    op.drop_table("playlist")


# ------------------------------------------------------------------ the header search's pinyin keys

BACKFILL_BATCH = 5000


def _add_search_key() -> None:
    """project.search_key (initials and full pinyin of the project's and its investor's names,
    data_access/search.py), filled for the rows already there, and its index by region; and the
    index of the lists' default order."""
    from data_access.search import search_key

    op.add_column("project", sa.Column("search_key", sa.String(1000), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT p.id, p.name, e.name FROM project p JOIN enterprise e ON e.id = p.enterprise_id")).all()
    update = sa.text("UPDATE project SET search_key = :key WHERE id = :id")
    for start in range(0, len(rows), BACKFILL_BATCH):
        conn.execute(update, [{"id": pid, "key": search_key(name, investor)}
                              for pid, name, investor in rows[start:start + BACKFILL_BATCH]])
    op.create_index("ix_project_search", "project", ["city_adcode", "county_adcode", "search_key"])
    # The lists' default order (data_access/project_list.py: the 到位资金 lists' first page at 1M).
    op.create_index("ix_project_contract_order", "project", ["contract_yuan", "code"])
