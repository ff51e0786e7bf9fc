"""Call-off orders with their events; agreements keep the award's score and quality part.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 07:19:23.836994
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('call_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('placed', 'accepted', 'declined', 'delivered', 'invoiced', 'paid', 'cancelled', name='call_off_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('case_reference', sa.String(length=40), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', app.db.Money(), nullable=False),
    sa.Column('total', app.db.Money(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('choice_reason', sa.Text(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('invoice_amount', app.db.Money(), nullable=True),
    sa.Column('invoice_reference', sa.String(length=60), nullable=False),
    sa.Column('invoice_reason', sa.Text(), nullable=False),
    sa.Column('invoiced_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('invoice_amount IS NULL OR invoice_amount > 0', name=op.f('ck_call_offs_invoice_positive')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_call_offs_quantity_positive')),
    sa.CheckConstraint('total = quantity * unit_price', name=op.f('ck_call_offs_total_is_quantity_times_price')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_call_offs_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_call_offs_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_call_offs_lot_id_lots')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_call_offs_placed_by_id_users')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_call_offs_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_offs')),
    sa.UniqueConstraint('number', name=op.f('uq_call_offs_number'))
    )
    with op.batch_alter_table('call_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_offs_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index('ix_call_offs_jobcentre_placed', ['jobcentre_id', 'placed_at'], unique=False)
        batch_op.create_index('ix_call_offs_lot_state', ['lot_id', 'state'], unique=False)
        batch_op.create_index('ix_call_offs_supplier_placed', ['supplier_id', 'placed_at'], unique=False)

    op.create_table('call_off_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_off_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('placed', 'accepted', 'declined', 'delivered', 'invoiced', 'invoice_rejected', 'paid', 'cancelled', name='call_off_step', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('amount', app.db.Money(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_call_off_events_actor_id_users')),
    sa.ForeignKeyConstraint(['call_off_id'], ['call_offs.id'], name=op.f('fk_call_off_events_call_off_id_call_offs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_off_events'))
    )
    with op.batch_alter_table('call_off_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_off_events_call_off_id'), ['call_off_id'], unique=False)

    # Existing rows get an empty text ("not recorded"); the score is copied from the award.
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('quality_part', sa.String(length=20), nullable=False, server_default=''))

    with op.batch_alter_table('awarded_bids', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quality_part', sa.String(length=20), nullable=False, server_default=''))

    op.execute(
        "UPDATE agreements SET score = (SELECT awarded_bids.total FROM awarded_bids"
        " WHERE awarded_bids.bid_id = agreements.bid_id AND awarded_bids.lot_id = agreements.lot_id)"
        " WHERE EXISTS (SELECT 1 FROM awarded_bids WHERE awarded_bids.bid_id = agreements.bid_id"
        " AND awarded_bids.lot_id = agreements.lot_id)"
    )
    # The default served only the existing rows; new rows always say what they hold.
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.alter_column('score', server_default=None)
        batch_op.alter_column('quality_part', server_default=None)
    with op.batch_alter_table('awarded_bids', schema=None) as batch_op:
        batch_op.alter_column('quality_part', server_default=None)



def downgrade() -> None:
    with op.batch_alter_table('awarded_bids', schema=None) as batch_op:
        batch_op.drop_column('quality_part')

    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('quality_part')
        batch_op.drop_column('score')

    with op.batch_alter_table('call_off_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_off_events_call_off_id'))

    op.drop_table('call_off_events')
    with op.batch_alter_table('call_offs', schema=None) as batch_op:
        batch_op.drop_index('ix_call_offs_supplier_placed')
        batch_op.drop_index('ix_call_offs_lot_state')
        batch_op.drop_index('ix_call_offs_jobcentre_placed')
        batch_op.drop_index(batch_op.f('ix_call_offs_agreement_id'))

    op.drop_table('call_offs')
