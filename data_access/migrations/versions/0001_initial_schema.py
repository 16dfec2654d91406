"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 06:12:34.014929
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dataset_info',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_dataset_info'))
    )
    op.create_table('enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('origin_province', sa.String(length=16), nullable=False),
    sa.Column('origin_city', sa.String(length=16), nullable=True),
    sa.Column('source_region', sa.String(length=16), nullable=False),
    sa.Column('ownership', sa.String(length=16), nullable=False),
    sa.Column('quality_tags', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise')),
    sa.UniqueConstraint('name', name=op.f('uq_enterprise_name'))
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_origin', ['origin_city', 'origin_province'], unique=False)

    op.create_table('industry',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('short_name', sa.String(length=16), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_key', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_industry')),
    sa.UniqueConstraint('name', name=op.f('uq_industry_name'))
    )
    op.create_table('region',
    sa.Column('adcode', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('short_name', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('parent_adcode', sa.Integer(), nullable=True),
    sa.Column('label_lon', sa.Float(), nullable=False),
    sa.Column('label_lat', sa.Float(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint("level IN ('province', 'city', 'county')", name=op.f('ck_region_level')),
    sa.ForeignKeyConstraint(['parent_adcode'], ['region.adcode'], name=op.f('fk_region_parent_adcode_region')),
    sa.PrimaryKeyConstraint('adcode', name=op.f('pk_region'))
    )
    op.create_table('annual_target',
    sa.Column('region_adcode', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('contract_yuan', sa.BigInteger(), nullable=False),
    sa.Column('funds_yuan', sa.BigInteger(), nullable=False),
    sa.Column('projects', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_adcode'], ['region.adcode'], name=op.f('fk_annual_target_region_adcode_region')),
    sa.PrimaryKeyConstraint('region_adcode', 'year', name=op.f('pk_annual_target'))
    )
    op.create_table('chain_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('industry_code', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=4), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('is_weak', sa.Boolean(), nullable=False),
    sa.Column('weak_note', sa.String(length=64), nullable=True),
    sa.Column('anchor_firms', sa.String(length=200), nullable=True),
    sa.Column('target_contract_yuan', sa.BigInteger(), nullable=True),
    sa.Column('target_projects', sa.Integer(), nullable=True),
    sa.CheckConstraint("stage IN ('up', 'mid', 'down')", name=op.f('ck_chain_link_stage')),
    sa.ForeignKeyConstraint(['industry_code'], ['industry.code'], name=op.f('fk_chain_link_industry_code_industry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_link'))
    )
    with op.batch_alter_table('chain_link', schema=None) as batch_op:
        batch_op.create_index('uq_chain_link_industry_name', ['industry_code', 'name'], unique=True)

    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('team', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('county_adcode', sa.Integer(), nullable=True),
    sa.Column('city_adcode', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['city_adcode'], ['region.adcode'], name=op.f('fk_inspection_city_adcode_region')),
    sa.ForeignKeyConstraint(['county_adcode'], ['region.adcode'], name=op.f('fk_inspection_county_adcode_region')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_inspection_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_city', ['city_adcode', 'inspected_on'], unique=False)
        batch_op.create_index('ix_inspection_date', ['inspected_on', 'channel'], unique=False)

    op.create_table('park',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('short_name', sa.String(length=32), nullable=False),
    sa.Column('county_adcode', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('is_platform', sa.Boolean(), nullable=False),
    sa.Column('lead_industries', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['county_adcode'], ['region.adcode'], name=op.f('fk_park_county_adcode_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_park')),
    sa.UniqueConstraint('name', name=op.f('uq_park_name'))
    )
    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('team', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('county_adcode', sa.Integer(), nullable=True),
    sa.Column('city_adcode', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('association_name', sa.String(length=64), nullable=True),
    sa.Column('location_province', sa.String(length=16), nullable=False),
    sa.Column('location_city', sa.String(length=16), nullable=True),
    sa.CheckConstraint("kind IN ('enterprise', 'association')", name=op.f('ck_visit_kind')),
    sa.ForeignKeyConstraint(['city_adcode'], ['region.adcode'], name=op.f('fk_visit_city_adcode_region')),
    sa.ForeignKeyConstraint(['county_adcode'], ['region.adcode'], name=op.f('fk_visit_county_adcode_region')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_visit_enterprise_id_enterprise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_city', ['city_adcode', 'visited_on'], unique=False)
        batch_op.create_index('ix_visit_date', ['visited_on', 'kind', 'channel', 'location_city'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('industry_code', sa.String(length=16), nullable=False),
    sa.Column('chain_link_id', sa.Integer(), nullable=True),
    sa.Column('chain_action', sa.String(length=4), nullable=True),
    sa.Column('emerging_label', sa.String(length=16), nullable=True),
    sa.Column('county_adcode', sa.Integer(), nullable=False),
    sa.Column('city_adcode', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('contract_yuan', sa.BigInteger(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('planned_start_on', sa.Date(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('planned_production_on', sa.Date(), nullable=True),
    sa.Column('production_on', sa.Date(), nullable=True),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('is_industrial', sa.Boolean(), nullable=False),
    sa.Column('expected_output_yuan', sa.BigInteger(), nullable=True),
    sa.Column('expected_jobs', sa.Integer(), nullable=True),
    sa.Column('expected_tax_yuan', sa.BigInteger(), nullable=True),
    sa.Column('responsible_unit', sa.String(length=64), nullable=True),
    sa.CheckConstraint("chain_action IS NULL OR chain_action IN ('建链', '补链', '强链', '延链')", name=op.f('ck_project_chain_action')),
    sa.CheckConstraint('contract_yuan >= 0', name=op.f('ck_project_contract_non_negative')),
    sa.CheckConstraint('production_on IS NULL OR (started_on IS NOT NULL AND started_on <= production_on)', name=op.f('ck_project_production_after_start')),
    sa.CheckConstraint('started_on IS NULL OR started_on >= signed_on', name=op.f('ck_project_start_after_signing')),
    sa.ForeignKeyConstraint(['chain_link_id'], ['chain_link.id'], name=op.f('fk_project_chain_link_id_chain_link')),
    sa.ForeignKeyConstraint(['city_adcode'], ['region.adcode'], name=op.f('fk_project_city_adcode_region')),
    sa.ForeignKeyConstraint(['county_adcode'], ['region.adcode'], name=op.f('fk_project_county_adcode_region')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_project_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['industry_code'], ['industry.code'], name=op.f('fk_project_industry_code_industry')),
    sa.ForeignKeyConstraint(['park_id'], ['park.id'], name=op.f('fk_project_park_id_park')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('code', name=op.f('uq_project_code'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_city_cover', ['city_adcode', 'signed_on', 'industry_code', 'chain_link_id', 'started_on', 'production_on', 'terminated_on', 'contract_yuan'], unique=False)
        batch_op.create_index('ix_project_county_cover', ['county_adcode', 'signed_on', 'industry_code', 'chain_link_id', 'started_on', 'production_on', 'terminated_on', 'contract_yuan'], unique=False)
        batch_op.create_index('ix_project_enterprise', ['enterprise_id'], unique=False)
        batch_op.create_index('ix_project_signed_cover', ['signed_on', 'city_adcode', 'industry_code', 'chain_link_id', 'started_on', 'production_on', 'terminated_on', 'contract_yuan'], unique=False)

    op.create_table('funding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount_yuan', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_funding_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding'))
    )
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.create_index('ix_funding_project_cover', ['project_id', 'received_on', 'amount_yuan'], unique=False)
        batch_op.create_index('ix_funding_received', ['received_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('funding', schema=None) as batch_op:
        batch_op.drop_index('ix_funding_received')
        batch_op.drop_index('ix_funding_project_cover')

    op.drop_table('funding')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_signed_cover')
        batch_op.drop_index('ix_project_enterprise')
        batch_op.drop_index('ix_project_county_cover')
        batch_op.drop_index('ix_project_city_cover')

    op.drop_table('project')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_date')
        batch_op.drop_index('ix_visit_city')

    op.drop_table('visit')
    op.drop_table('park')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_date')
        batch_op.drop_index('ix_inspection_city')

    op.drop_table('inspection')
    with op.batch_alter_table('chain_link', schema=None) as batch_op:
        batch_op.drop_index('uq_chain_link_industry_name')

    op.drop_table('chain_link')
    op.drop_table('annual_target')
    op.drop_table('region')
    op.drop_table('industry')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_origin')

    op.drop_table('enterprise')
    op.drop_table('dataset_info')
