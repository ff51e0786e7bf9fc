"""Jobcentre results: imported indicators per jobcentre and quarter, the imports, and each
region's limits for weak and good results.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-24 11:04:51.676107
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('result_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('replaced', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_result_imports_imported_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_result_imports_region_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_imports'))
    )
    with op.batch_alter_table('result_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_imports_region_id'), ['region_id'], unique=False)

    op.create_table('result_thresholds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.Enum('in_work', 'weeks_unemployed', name='threshold_indicator', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('weak', app.db.Hundredths(), nullable=False),
    sa.Column('good', app.db.Hundredths(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('set_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_result_thresholds_region_id_organisations')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_result_thresholds_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_thresholds')),
    sa.UniqueConstraint('region_id', 'indicator', name=op.f('uq_result_thresholds_region_id_indicator'))
    )
    op.create_table('results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('indicator', sa.Enum('in_work', 'weeks_unemployed', name='result_indicator', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=True),
    sa.Column('target_group_key', sa.Integer(), nullable=False),
    sa.Column('value', app.db.Hundredths(), nullable=False),
    sa.Column('cluster', sa.String(length=60), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_results_value_not_negative')),
    sa.ForeignKeyConstraint(['import_id'], ['result_imports.id'], name=op.f('fk_results_import_id_result_imports')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_results_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_results_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results')),
    sa.UniqueConstraint('jobcentre_id', 'period', 'indicator', 'target_group_key', name=op.f('uq_results_jobcentre_id_period_indicator_target_group_key'))
    )
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_results_import_id'), ['import_id'], unique=False)
        batch_op.create_index('ix_results_period_indicator', ['period', 'indicator'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_index('ix_results_period_indicator')
        batch_op.drop_index(batch_op.f('ix_results_import_id'))

    op.drop_table('results')
    op.drop_table('result_thresholds')
    with op.batch_alter_table('result_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_imports_region_id'))

    op.drop_table('result_imports')
