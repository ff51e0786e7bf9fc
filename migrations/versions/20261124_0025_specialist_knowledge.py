"""The regions' directories of specialist knowledge, their entries, and the jobcentres' requests.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-24 12:15:21.164384
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('specialist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_specialist_entries_created_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_specialist_entries_region_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_specialist_entries'))
    )
    with op.batch_alter_table('specialist_entries', schema=None) as batch_op:
        batch_op.create_index('ix_specialist_entries_region_area', ['region_id', 'area'], unique=False)

    op.create_table('knowledge_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_knowledge_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_knowledge_requests_asked_by_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['specialist_entries.id'], name=op.f('fk_knowledge_requests_entry_id_specialist_entries')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_knowledge_requests_jobcentre_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_requests'))
    )
    with op.batch_alter_table('knowledge_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_requests_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_requests_jobcentre_id'), ['jobcentre_id'], unique=False)

    op.create_table('specialist_directories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('published_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['council_decisions.id'], name=op.f('fk_specialist_directories_decision_id_council_decisions')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_specialist_directories_published_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_specialist_directories_region_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_specialist_directories')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_specialist_directories_decision_id')),
    sa.UniqueConstraint('region_id', name=op.f('uq_specialist_directories_region_id'))
    )


def downgrade() -> None:
    op.drop_table('specialist_directories')
    with op.batch_alter_table('knowledge_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_requests_jobcentre_id'))
        batch_op.drop_index(batch_op.f('ix_knowledge_requests_entry_id'))

    op.drop_table('knowledge_requests')
    with op.batch_alter_table('specialist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_specialist_entries_region_area')

    op.drop_table('specialist_entries')
