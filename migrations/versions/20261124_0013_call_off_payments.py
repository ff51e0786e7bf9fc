"""A ledger import counts the lines that paid the jobcentre's own call-offs.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 08:34:20.496580
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('purchase_imports', schema=None) as batch_op:
        # Earlier imports counted none (they stored such lines as outside purchases).
        batch_op.add_column(sa.Column('call_off_payments', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('purchase_imports', schema=None) as batch_op:
        batch_op.alter_column('call_off_payments', server_default=None)



def downgrade() -> None:
    with op.batch_alter_table('purchase_imports', schema=None) as batch_op:
        batch_op.drop_column('call_off_payments')

