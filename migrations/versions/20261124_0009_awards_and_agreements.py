"""Awards (proposed and approved by two people, with the standstill) and framework agreements.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 06:13:05.245255
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'approved', 'concluded', name='award_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('letters_sent_on', sa.Date(), nullable=True),
    sa.Column('standstill_ends_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_awards_approved_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_awards_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_awards_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('tender_id', name=op.f('uq_awards_tender_id'))
    )
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('unit_price', app.db.Money(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('concluded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('concluded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_agreements_bid_id_bids')),
    sa.ForeignKeyConstraint(['concluded_by_id'], ['users.id'], name=op.f('fk_agreements_concluded_by_id_users')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_agreements_lot_id_lots')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_agreements_supplier_id_suppliers')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_agreements_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('lot_id', 'supplier_id', name=op.f('uq_agreements_lot_id_supplier_id')),
    sa.UniqueConstraint('number', name=op.f('uq_agreements_number'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_tender_id'), ['tender_id'], unique=False)

    op.create_table('awarded_bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('total', sa.String(length=20), nullable=False),
    sa.Column('unit_price', app.db.Money(), nullable=False),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_awarded_bids_award_id_awards')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_awarded_bids_bid_id_bids')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_awarded_bids_lot_id_lots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awarded_bids'))
    )
    with op.batch_alter_table('awarded_bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awarded_bids_award_id'), ['award_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('awarded_bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awarded_bids_award_id'))

    op.drop_table('awarded_bids')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_tender_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_lot_id'))

    op.drop_table('agreements')
    op.drop_table('awards')
