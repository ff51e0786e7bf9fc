"""Summary figures kept with every change to an order: per lot, and per month by jobcentre, by
jobcentre and target group, and by region and supplier; filled from the existing orders.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 10:10:12.254911
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spend_group_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.Column('committed', app.db.Money(), nullable=False),
    sa.Column('paid', app.db.Money(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_spend_group_months_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_spend_group_months_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('month', 'jobcentre_id', 'target_group_id', name=op.f('pk_spend_group_months'))
    )
    op.create_table('spend_jobcentre_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('committed', app.db.Money(), nullable=False),
    sa.Column('paid', app.db.Money(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_spend_jobcentre_months_jobcentre_id_organisations')),
    sa.PrimaryKeyConstraint('month', 'jobcentre_id', name=op.f('pk_spend_jobcentre_months'))
    )
    op.create_table('spend_supplier_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('committed', app.db.Money(), nullable=False),
    sa.Column('paid', app.db.Money(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_spend_supplier_months_region_id_organisations')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_spend_supplier_months_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('month', 'region_id', 'supplier_id', name=op.f('pk_spend_supplier_months'))
    )
    op.create_table('spend_lot_totals',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('committed', app.db.Money(), nullable=False),
    sa.Column('paid', app.db.Money(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_spend_lot_totals_lot_id_lots')),
    sa.PrimaryKeyConstraint('lot_id', name=op.f('pk_spend_lot_totals'))
    )
    op.create_index('ix_spend_supplier_months_supplier_id', 'spend_supplier_months', ['supplier_id'])
    _fill()


# The committed amount and the approved invoice of one order, in øre (app.spend.figures).
COMMITTED = (
    "CASE WHEN c.state IN ('declined', 'cancelled') THEN 0 "
    "WHEN c.invoice_amount > c.total THEN c.invoice_amount ELSE c.total END"
)
PAID = "CASE WHEN c.state = 'paid' THEN c.invoice_amount ELSE 0 END"
SUMS = f"SUM({COMMITTED}), SUM({PAID}), COUNT(*)"


def _fill() -> None:
    if op.get_bind().dialect.name == "postgresql":
        month = "to_char(timezone('Europe/Copenhagen', c.placed_at), 'YYYY-MM')"
    else:
        month = "copenhagen_month(c.placed_at)"  # registered on every connection (app.db)
    columns = "committed, paid, orders"
    op.execute(
        f"INSERT INTO spend_lot_totals (lot_id, {columns}) "
        f"SELECT c.lot_id, {SUMS} FROM call_offs c GROUP BY c.lot_id"
    )
    op.execute(
        f"INSERT INTO spend_jobcentre_months (month, jobcentre_id, {columns}) "
        f"SELECT {month}, c.jobcentre_id, {SUMS} FROM call_offs c GROUP BY 1, 2"
    )
    op.execute(
        f"INSERT INTO spend_group_months (month, jobcentre_id, target_group_id, {columns}) "
        f"SELECT {month}, c.jobcentre_id, g.target_group_id, {SUMS} FROM call_offs c "
        "JOIN lots l ON l.id = c.lot_id JOIN tender_target_groups g ON g.tender_id = l.tender_id "
        "GROUP BY 1, 2, 3"
    )
    op.execute(
        f"INSERT INTO spend_supplier_months (month, region_id, supplier_id, {columns}) "
        f"SELECT {month}, j.region_id, c.supplier_id, {SUMS} FROM call_offs c "
        "JOIN organisations j ON j.id = c.jobcentre_id GROUP BY 1, 2, 3"
    )


def downgrade() -> None:
    op.drop_index('ix_spend_supplier_months_supplier_id', 'spend_supplier_months')
    op.drop_table('spend_lot_totals')
    op.drop_table('spend_supplier_months')
    op.drop_table('spend_jobcentre_months')
    op.drop_table('spend_group_months')
