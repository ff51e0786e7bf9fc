"""When a tender's content version began, and which ministry returned it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 06:01:53.054176
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_changed_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('returned_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tenders_returned_by_id_organisations'), 'organisations', ['returned_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tenders_returned_by_id_organisations'), type_='foreignkey')
        batch_op.drop_column('returned_by_id')
        batch_op.drop_column('content_changed_at')

