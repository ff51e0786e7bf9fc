"""A directory of specialist knowledge is published again for entries added since: a row per
publication, each on its own council decision.

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-24 12:23:52.213421
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('specialist_directories', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_specialist_directories_region_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_specialist_directories_region_id'), ['region_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('specialist_directories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_specialist_directories_region_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_specialist_directories_region_id'), ['region_id'])

