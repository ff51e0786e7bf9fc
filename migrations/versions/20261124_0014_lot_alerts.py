"""Lot alerts: the owning region is told once when a lot passes 80% and 100% of its maximum.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 08:41:48.255649
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('lot_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('sent_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('threshold IN (80, 100)', name=op.f('ck_lot_alerts_known_threshold')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_alerts_lot_id_lots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_alerts')),
    sa.UniqueConstraint('lot_id', 'threshold', name=op.f('uq_lot_alerts_lot_id_threshold'))
    )



def downgrade() -> None:

    op.drop_table('lot_alerts')

