"""A ledger line that paid one of the jobcentre's call-offs is kept, with the order it paid.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-24 12:40:00.000000
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('call_off_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('call_off_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.Column('supplier_name', sa.String(length=200), nullable=False),
    sa.Column('supplier_cvr', sa.String(length=8), nullable=False),
    sa.Column('amount', app.db.Money(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('voucher', sa.String(length=40), nullable=False),
    sa.Column('line_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['call_off_id'], ['call_offs.id'], name=op.f('fk_call_off_payments_call_off_id_call_offs')),
    sa.ForeignKeyConstraint(['import_id'], ['purchase_imports.id'], name=op.f('fk_call_off_payments_import_id_purchase_imports')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_call_off_payments_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_call_off_payments_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_off_payments')),
    sa.UniqueConstraint('jobcentre_id', 'line_key', name=op.f('uq_call_off_payments_jobcentre_id_line_key'))
    )
    with op.batch_alter_table('call_off_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_off_payments_call_off_id'), ['call_off_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_off_payments_import_id'), ['import_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('call_off_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_off_payments_import_id'))
        batch_op.drop_index(batch_op.f('ix_call_off_payments_call_off_id'))

    op.drop_table('call_off_payments')
