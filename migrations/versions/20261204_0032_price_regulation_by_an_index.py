"""Price regulation by an index: the tender's index and cap, each yearly regulation, and each
agreement's regulated prices.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 20:40:00
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_index', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('price_cap', app.db.Hundredths(), nullable=True))
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        # The default served only the rows that were there; the app always writes the column.
        batch_op.alter_column('price_index', server_default=None)

    op.create_table('price_regulations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('index_before', app.db.Hundredths(), nullable=False),
    sa.Column('index_after', app.db.Hundredths(), nullable=False),
    sa.Column('change', app.db.Hundredths(), nullable=False),
    sa.Column('applies_from', sa.Date(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_price_regulations_actor_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_price_regulations_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_regulations'))
    )
    with op.batch_alter_table('price_regulations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_regulations_tender_id'), ['tender_id'], unique=False)

    op.create_table('agreement_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('regulation_id', sa.Integer(), nullable=False),
    sa.Column('old_price', app.db.Money(), nullable=False),
    sa.Column('new_price', app.db.Money(), nullable=False),
    sa.Column('applies_from', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_prices_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['regulation_id'], ['price_regulations.id'], name=op.f('fk_agreement_prices_regulation_id_price_regulations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_prices'))
    )
    with op.batch_alter_table('agreement_prices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_prices_agreement_id'), ['agreement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agreement_prices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_prices_agreement_id'))
    op.drop_table('agreement_prices')
    with op.batch_alter_table('price_regulations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_regulations_tender_id'))
    op.drop_table('price_regulations')
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_column('price_cap')
        batch_op.drop_column('price_index')
