"""Summary figures per jobcentre, lot and supplier over all time, kept with every change to an
order (the jobcentre's dashboard per framework and per supplier); filled from the orders.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 10:32:27.414497
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spend_jobcentre_lot_totals',
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('committed', app.db.Money(), nullable=False),
    sa.Column('paid', app.db.Money(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_spend_jobcentre_lot_totals_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_spend_jobcentre_lot_totals_lot_id_lots')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_spend_jobcentre_lot_totals_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('jobcentre_id', 'lot_id', 'supplier_id', name=op.f('pk_spend_jobcentre_lot_totals'))
    )
    with op.batch_alter_table('spend_jobcentre_lot_totals', schema=None) as batch_op:
        batch_op.create_index('ix_spend_jobcentre_lot_totals_supplier_id', ['supplier_id'], unique=False)

    # The committed amount and the approved invoice of each order, in øre (app.spend.figures).
    op.execute(
        "INSERT INTO spend_jobcentre_lot_totals "
        "(jobcentre_id, lot_id, supplier_id, committed, paid, orders) "
        "SELECT c.jobcentre_id, c.lot_id, c.supplier_id, "
        "SUM(CASE WHEN c.state IN ('declined', 'cancelled') THEN 0 "
        "WHEN c.invoice_amount > c.total THEN c.invoice_amount ELSE c.total END), "
        "SUM(CASE WHEN c.state = 'paid' THEN c.invoice_amount ELSE 0 END), COUNT(*) "
        "FROM call_offs c GROUP BY c.jobcentre_id, c.lot_id, c.supplier_id"
    )



def downgrade() -> None:
    with op.batch_alter_table('spend_jobcentre_lot_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_spend_jobcentre_lot_totals_supplier_id')

    op.drop_table('spend_jobcentre_lot_totals')
