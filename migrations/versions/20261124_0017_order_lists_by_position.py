"""An index for walking the order lists newest first by position.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 10:21:50.344906
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('call_offs', schema=None) as batch_op:
        batch_op.create_index('ix_call_offs_placed_id', ['placed_at', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('call_offs', schema=None) as batch_op:
        batch_op.drop_index('ix_call_offs_placed_id')

