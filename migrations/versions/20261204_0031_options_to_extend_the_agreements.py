"""Options to extend a framework's agreement period: the tender's options (how many, how long,
whether each needs a council decision), how many are used, and each extension.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 20:30:00
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_options', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('extension_months', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('extension_needs_council', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('extensions_used', sa.Integer(), server_default='0', nullable=False))

    op.create_table('tender_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('old_end', sa.Date(), nullable=False),
    sa.Column('new_end', sa.Date(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_tender_extensions_actor_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['council_decisions.id'], name=op.f('fk_tender_extensions_decision_id_council_decisions')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_extensions_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_extensions')),
    sa.UniqueConstraint('tender_id', 'number', name=op.f('uq_tender_extensions_tender_id_number')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_tender_extensions_decision_id'))
    )


def downgrade() -> None:
    op.drop_table('tender_extensions')
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_column('extensions_used')
        batch_op.drop_column('extension_needs_council')
        batch_op.drop_column('extension_months')
        batch_op.drop_column('extension_options')
