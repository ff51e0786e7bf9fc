"""The opening of a tender's bids and the check of each bid against its fingerprint.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 06:06:44.332708
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_openings_opened_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_openings_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_openings')),
    sa.UniqueConstraint('tender_id', name=op.f('uq_openings_tender_id'))
    )
    op.create_table('opened_bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opening_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('received_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('check', sa.Enum('intact', 'flagged', 'accepted', 'excluded', name='seal_check', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_opened_bids_bid_id_bids')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_opened_bids_decided_by_id_users')),
    sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], name=op.f('fk_opened_bids_opening_id_openings')),
    sa.ForeignKeyConstraint(['version_id'], ['bid_versions.id'], name=op.f('fk_opened_bids_version_id_bid_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opened_bids'))
    )
    with op.batch_alter_table('opened_bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opened_bids_opening_id'), ['opening_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('opened_bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opened_bids_opening_id'))

    op.drop_table('opened_bids')
    op.drop_table('openings')
