"""Evaluation: declarations of no conflict of interest, rejections, agreed quality scores.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 06:10:13.562786
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_conflict_declarations_tender_id_tenders')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conflict_declarations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    sa.UniqueConstraint('tender_id', 'user_id', name=op.f('uq_conflict_declarations_tender_id_user_id'))
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_tender_id'), ['tender_id'], unique=False)

    op.create_table('bid_rejections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opened_bid_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('rejected_by_id', sa.Integer(), nullable=False),
    sa.Column('rejected_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opened_bid_id'], ['opened_bids.id'], name=op.f('fk_bid_rejections_opened_bid_id_opened_bids')),
    sa.ForeignKeyConstraint(['rejected_by_id'], ['users.id'], name=op.f('fk_bid_rejections_rejected_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_rejections')),
    sa.UniqueConstraint('opened_bid_id', name=op.f('uq_bid_rejections_opened_bid_id'))
    )
    op.create_table('quality_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opened_bid_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 10', name=op.f('ck_quality_scores_score_range')),
    sa.ForeignKeyConstraint(['criterion_id'], ['award_criteria.id'], name=op.f('fk_quality_scores_criterion_id_award_criteria')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_quality_scores_entered_by_id_users')),
    sa.ForeignKeyConstraint(['opened_bid_id'], ['opened_bids.id'], name=op.f('fk_quality_scores_opened_bid_id_opened_bids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_scores')),
    sa.UniqueConstraint('opened_bid_id', 'criterion_id', name=op.f('uq_quality_scores_opened_bid_id_criterion_id'))
    )
    with op.batch_alter_table('quality_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_scores_opened_bid_id'), ['opened_bid_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quality_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_scores_opened_bid_id'))

    op.drop_table('quality_scores')
    op.drop_table('bid_rejections')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_tender_id'))

    op.drop_table('conflict_declarations')
