"""The state grants a region administers, their projects and what the projects spend.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-24 11:53:40.738190
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('labour_shortage', 'mass_layoff', name='grant_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', app.db.Money(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_grants_amount_positive')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_grants_region_id_organisations')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_grants_registered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('region_id', 'kind', 'year', name=op.f('uq_grants_region_id_kind_year'))
    )
    op.create_table('grant_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('applied', 'allocated', 'refused', 'closed', name='grant_project_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('concerns', sa.String(length=300), nullable=False),
    sa.Column('requested', app.db.Money(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=False),
    sa.Column('applied_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('allocated', app.db.Money(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_text', sa.Text(), nullable=False),
    sa.Column('closed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('allocated IS NULL OR allocated > 0', name=op.f('ck_grant_projects_allocated_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_grant_projects_period_in_order')),
    sa.CheckConstraint('requested > 0', name=op.f('ck_grant_projects_requested_positive')),
    sa.ForeignKeyConstraint(['applicant_id'], ['organisations.id'], name=op.f('fk_grant_projects_applicant_id_organisations')),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_grant_projects_applied_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_grant_projects_decided_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['council_decisions.id'], name=op.f('fk_grant_projects_decision_id_council_decisions')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_projects_grant_id_grants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_projects')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_grant_projects_decision_id'))
    )
    with op.batch_alter_table('grant_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_projects_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_project_spend',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('amount', app.db.Money(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_grant_project_spend_amount_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['grant_projects.id'], name=op.f('fk_grant_project_spend_project_id_grant_projects')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_grant_project_spend_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_project_spend'))
    )
    with op.batch_alter_table('grant_project_spend', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_project_spend_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('grant_project_spend', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_project_spend_project_id'))

    op.drop_table('grant_project_spend')
    with op.batch_alter_table('grant_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_projects_grant_id'))

    op.drop_table('grant_projects')
    op.drop_table('grants')
