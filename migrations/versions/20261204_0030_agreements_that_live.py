"""Framework agreements that live: each agreement's state (active, suspended, terminated) and
the decisions on it.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 20:05:00
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.Enum('active', 'suspended', 'terminated', name='agreement_state', native_enum=False, create_constraint=True, length=20), server_default='active', nullable=False))

    op.create_table('agreement_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('suspend', 'lift', 'terminate', name='agreement_step', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('ground', sa.Enum('breach', 'exclusion', name='agreement_ground', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_agreement_events_actor_id_users')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_events_agreement_id_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_events')),
    sa.UniqueConstraint('reference', name=op.f('uq_agreement_events_reference'))
    )
    with op.batch_alter_table('agreement_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_events_agreement_id'), ['agreement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agreement_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_events_agreement_id'))
    op.drop_table('agreement_events')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint('agreement_state', type_='check')
        batch_op.drop_column('state')
