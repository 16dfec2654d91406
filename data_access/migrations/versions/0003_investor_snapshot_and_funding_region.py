"""Investor snapshot on projects, region on funding, covering indexes for region views

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Projects record the investor's origin, source region and 优强 tags as the platform does at
signing; funding rows carry their project's county and city (kept in step by a cascading
composite foreign key), so a region's money is summed from one index. Existing rows are
filled from the enterprise and project tables before the columns become NOT NULL.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COVER = ["signed_on", "terminated_on", "started_on", "production_on", "contract_yuan",
         "industry_code", "chain_link_id", "park_id", "quality_tags", "source_region"]
OLD_COVER = ["signed_on", "industry_code", "chain_link_id", "started_on", "production_on", "terminated_on",
             "contract_yuan"]


def upgrade() -> None:
    with op.batch_alter_table("region") as batch:
        batch.create_unique_constraint("uq_region_adcode_parent", ["adcode", "parent_adcode"])

    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("origin_province", sa.String(16), nullable=True))
        batch.add_column(sa.Column("origin_city", sa.String(16), nullable=True))
        batch.add_column(sa.Column("source_region", sa.String(16), nullable=True))
        batch.add_column(sa.Column("quality_tags", sa.Integer(), nullable=True))
    for column in ("origin_province", "origin_city", "source_region", "quality_tags"):
        op.execute(f"UPDATE project SET {column} = "
                   f"(SELECT e.{column} FROM enterprise e WHERE e.id = project.enterprise_id)")
    with op.batch_alter_table("project") as batch:
        for column in ("origin_province", "source_region", "quality_tags"):
            batch.alter_column(column, existing_type=sa.Integer() if column == "quality_tags" else sa.String(16),
                               nullable=False)
        batch.create_foreign_key("fk_project_county_in_city", "region", ["county_adcode", "city_adcode"],
                                 ["adcode", "parent_adcode"])
        batch.create_unique_constraint("uq_project_id_region", ["id", "county_adcode", "city_adcode"])
        for name in ("ix_project_city_cover", "ix_project_county_cover", "ix_project_signed_cover"):
            batch.drop_index(name)
        batch.create_index("ix_project_city_cover", ["city_adcode", *COVER, "county_adcode"],
                           postgresql_include=["id"])
        batch.create_index("ix_project_county_cover", ["county_adcode", *COVER], postgresql_include=["id"])
        batch.create_index("ix_project_signed_cover", [*COVER, "city_adcode"], postgresql_include=["id"])
        batch.create_index("ix_project_terminated", ["terminated_on", "city_adcode", "county_adcode"],
                           sqlite_where=sa.text("terminated_on IS NOT NULL"),
                           postgresql_where=sa.text("terminated_on IS NOT NULL"), postgresql_include=["id"])

    with op.batch_alter_table("funding") as batch:
        batch.add_column(sa.Column("county_adcode", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("city_adcode", sa.Integer(), nullable=True))
    for column in ("county_adcode", "city_adcode"):
        op.execute(f"UPDATE funding SET {column} = (SELECT p.{column} FROM project p WHERE p.id = funding.project_id)")
    with op.batch_alter_table("funding") as batch:
        batch.alter_column("county_adcode", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("city_adcode", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("fk_funding_project_id_project", type_="foreignkey")
        batch.create_foreign_key("fk_funding_project_region", "project",
                                 ["project_id", "county_adcode", "city_adcode"],
                                 ["id", "county_adcode", "city_adcode"], onupdate="CASCADE")
        batch.drop_index("ix_funding_received")
        batch.create_index("ix_funding_city_cover", ["city_adcode", "received_on", "county_adcode", "amount_yuan"])
        batch.create_index("ix_funding_county_cover", ["county_adcode", "received_on", "amount_yuan"])
        batch.create_index("ix_funding_received_cover", ["received_on", "city_adcode", "amount_yuan"])

    # A county's activity without reading the tables (visits and inspections are counted per view).
    with op.batch_alter_table("visit") as batch:
        batch.drop_index("ix_visit_city")
        batch.create_index("ix_visit_city", ["city_adcode", "visited_on", "kind"])
        batch.create_index("ix_visit_county", ["county_adcode", "visited_on", "kind"])
    with op.batch_alter_table("inspection") as batch:
        batch.create_index("ix_inspection_county", ["county_adcode", "inspected_on"])


def downgrade() -> None:
    with op.batch_alter_table("inspection") as batch:
        batch.drop_index("ix_inspection_county")
    with op.batch_alter_table("visit") as batch:
        batch.drop_index("ix_visit_county")
        batch.drop_index("ix_visit_city")
        batch.create_index("ix_visit_city", ["city_adcode", "visited_on"])
    with op.batch_alter_table("funding") as batch:
        for name in ("ix_funding_received_cover", "ix_funding_county_cover", "ix_funding_city_cover"):
            batch.drop_index(name)
        batch.create_index("ix_funding_received", ["received_on"])
        batch.drop_constraint("fk_funding_project_region", type_="foreignkey")
        batch.create_foreign_key("fk_funding_project_id_project", "project", ["project_id"], ["id"])
        batch.drop_column("city_adcode")
        batch.drop_column("county_adcode")
    with op.batch_alter_table("project") as batch:
        for name in ("ix_project_city_cover", "ix_project_county_cover", "ix_project_signed_cover",
                     "ix_project_terminated"):
            batch.drop_index(name)
        batch.create_index("ix_project_city_cover", ["city_adcode", *OLD_COVER])
        batch.create_index("ix_project_county_cover", ["county_adcode", *OLD_COVER])
        batch.create_index("ix_project_signed_cover", ["signed_on", "city_adcode", *OLD_COVER[1:]])
        batch.drop_constraint("uq_project_id_region", type_="unique")
        batch.drop_constraint("fk_project_county_in_city", type_="foreignkey")
        for column in ("quality_tags", "source_region", "origin_city", "origin_province"):
            batch.drop_column(column)
    with op.batch_alter_table("region") as batch:
        batch.drop_constraint("uq_region_adcode_parent", type_="unique")
