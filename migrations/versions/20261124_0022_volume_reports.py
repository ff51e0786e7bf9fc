"""Under an order to use other actors: the jobcentre's reported volumes per part and quarter.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-24 11:32:28.020837
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('volume_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reaction_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('handled_itself', sa.Integer(), nullable=False),
    sa.Column('handled_by_others', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('handled_itself >= 0 AND handled_by_others >= 0', name=op.f('ck_volume_reports_not_negative')),
    sa.ForeignKeyConstraint(['reaction_id'], ['reactions.id'], name=op.f('fk_volume_reports_reaction_id_reactions')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_volume_reports_reported_by_id_users')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_volume_reports_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volume_reports')),
    sa.UniqueConstraint('reaction_id', 'target_group_id', 'period', name=op.f('uq_volume_reports_reaction_id_target_group_id_period'))
    )


def downgrade() -> None:
    op.drop_table('volume_reports')
