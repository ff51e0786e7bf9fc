"""The region's reaction to a jobcentre's weak results: the case, its parts of the effort and
its steps.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-24 11:14:09.452562
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('assessment', 'following_closely', 'agreement_draft', 'awaiting_signatures', 'agreement_in_force', 'recommendation_draft', 'at_integration_ministry', 'at_ministry', 'ordered', 'closed', name='reaction_state', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('agreement_text', sa.Text(), nullable=False),
    sa.Column('improve_by', sa.Date(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('target_in_work', app.db.Hundredths(), nullable=True),
    sa.Column('target_weeks', app.db.Hundredths(), nullable=True),
    sa.Column('consultancy_amount', app.db.Money(), nullable=True),
    sa.Column('consultancy_provider', sa.String(length=200), nullable=False),
    sa.Column('consultancy_from', sa.Date(), nullable=True),
    sa.Column('consultancy_to', sa.Date(), nullable=True),
    sa.Column('agreement_decision_id', sa.Integer(), nullable=True),
    sa.Column('director_signed_by_id', sa.Integer(), nullable=True),
    sa.Column('director_signed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('manager_signed_by_id', sa.Integer(), nullable=True),
    sa.Column('manager_signed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recommendation_text', sa.Text(), nullable=False),
    sa.Column('minimum_share', app.db.Hundredths(), nullable=True),
    sa.Column('recommendation_decision_id', sa.Integer(), nullable=True),
    sa.Column('integration_agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('integration_agreed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_text', sa.Text(), nullable=False),
    sa.Column('ordered_from', sa.Date(), nullable=True),
    sa.Column('ordered_to', sa.Date(), nullable=True),
    sa.Column('closed_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('consultancy_amount IS NULL OR consultancy_amount > 0', name=op.f('ck_reactions_consultancy_positive')),
    sa.CheckConstraint('minimum_share IS NULL OR (minimum_share > 0 AND minimum_share <= 10000)', name=op.f('ck_reactions_minimum_share_a_percentage')),
    sa.ForeignKeyConstraint(['agreement_decision_id'], ['council_decisions.id'], name=op.f('fk_reactions_agreement_decision_id_council_decisions')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reactions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['director_signed_by_id'], ['users.id'], name=op.f('fk_reactions_director_signed_by_id_users')),
    sa.ForeignKeyConstraint(['integration_agreed_by_id'], ['users.id'], name=op.f('fk_reactions_integration_agreed_by_id_users')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_reactions_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['manager_signed_by_id'], ['users.id'], name=op.f('fk_reactions_manager_signed_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_reactions_opened_by_id_users')),
    sa.ForeignKeyConstraint(['recommendation_decision_id'], ['council_decisions.id'], name=op.f('fk_reactions_recommendation_decision_id_council_decisions')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_reactions_region_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reactions')),
    sa.UniqueConstraint('agreement_decision_id', name=op.f('uq_reactions_agreement_decision_id')),
    sa.UniqueConstraint('recommendation_decision_id', name=op.f('uq_reactions_recommendation_decision_id'))
    )
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.create_index('ix_reactions_jobcentre_state', ['jobcentre_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_reactions_region_id'), ['region_id'], unique=False)

    op.create_table('reaction_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reaction_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_reaction_events_actor_id_users')),
    sa.ForeignKeyConstraint(['reaction_id'], ['reactions.id'], name=op.f('fk_reaction_events_reaction_id_reactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reaction_events'))
    )
    with op.batch_alter_table('reaction_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reaction_events_reaction_id'), ['reaction_id'], unique=False)

    op.create_table('reaction_parts',
    sa.Column('reaction_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['reaction_id'], ['reactions.id'], name=op.f('fk_reaction_parts_reaction_id_reactions')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_reaction_parts_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('reaction_id', 'target_group_id', name=op.f('pk_reaction_parts'))
    )


def downgrade() -> None:
    op.drop_table('reaction_parts')
    with op.batch_alter_table('reaction_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reaction_events_reaction_id'))

    op.drop_table('reaction_events')
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reactions_region_id'))
        batch_op.drop_index('ix_reactions_jobcentre_state')

    op.drop_table('reactions')
