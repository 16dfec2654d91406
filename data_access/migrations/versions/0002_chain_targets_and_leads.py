"""chain targets and leads: regional link targets (chain_link_target), the target library (lead)
and an index for visit counts per enterprise

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:43:39.212893
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chain_link_target',
    sa.Column('chain_link_id', sa.Integer(), nullable=False),
    sa.Column('region_adcode', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('target_contract_yuan', sa.BigInteger(), nullable=True),
    sa.Column('target_projects', sa.Integer(), nullable=True),
    sa.CheckConstraint('period_end > period_start', name=op.f('ck_chain_link_target_period')),
    sa.CheckConstraint('target_contract_yuan IS NULL OR target_contract_yuan >= 0', name=op.f('ck_chain_link_target_contract_non_negative')),
    sa.CheckConstraint('target_projects IS NULL OR target_projects >= 0', name=op.f('ck_chain_link_target_projects_non_negative')),
    sa.ForeignKeyConstraint(['chain_link_id'], ['chain_link.id'], name=op.f('fk_chain_link_target_chain_link_id_chain_link')),
    sa.ForeignKeyConstraint(['region_adcode'], ['region.adcode'], name=op.f('fk_chain_link_target_region_adcode_region')),
    sa.PrimaryKeyConstraint('chain_link_id', 'region_adcode', 'period_start', name=op.f('pk_chain_link_target'))
    )
    with op.batch_alter_table('chain_link_target', schema=None) as batch_op:
        batch_op.create_index('ix_chain_link_target_region', ['region_adcode', 'period_start'], unique=False)

    op.create_table('lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('chain_link_id', sa.Integer(), nullable=False),
    sa.Column('county_adcode', sa.Integer(), nullable=True),
    sa.Column('city_adcode', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('stage_on', sa.Date(), nullable=False),
    sa.Column('intended_yuan', sa.BigInteger(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("project_id IS NULL OR stage = '已签约'", name=op.f('ck_lead_project_when_signed')),
    sa.CheckConstraint("stage IN ('线索', '在谈', '已签约')", name=op.f('ck_lead_stage')),
    sa.CheckConstraint('stage_on >= listed_on', name=op.f('ck_lead_stage_after_listing')),
    sa.ForeignKeyConstraint(['chain_link_id'], ['chain_link.id'], name=op.f('fk_lead_chain_link_id_chain_link')),
    sa.ForeignKeyConstraint(['city_adcode'], ['region.adcode'], name=op.f('fk_lead_city_adcode_region')),
    sa.ForeignKeyConstraint(['county_adcode'], ['region.adcode'], name=op.f('fk_lead_county_adcode_region')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_lead_enterprise_id_enterprise')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_lead_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead'))
    )
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.create_index('ix_lead_enterprise', ['enterprise_id'], unique=False)
        batch_op.create_index('ix_lead_link', ['chain_link_id', 'city_adcode', 'county_adcode', 'stage'], unique=False)

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_enterprise', ['enterprise_id', 'visited_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_enterprise')

    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_link')
        batch_op.drop_index('ix_lead_enterprise')

    op.drop_table('lead')
    with op.batch_alter_table('chain_link_target', schema=None) as batch_op:
        batch_op.drop_index('ix_chain_link_target_region')

    op.drop_table('chain_link_target')
