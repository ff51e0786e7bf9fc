"""An index for walking the list of outside purchases newest first by position.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-24 10:39:34.168548
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outside_purchases', schema=None) as batch_op:
        batch_op.create_index('ix_outside_purchases_day_id', ['purchased_on', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outside_purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_outside_purchases_day_id')

