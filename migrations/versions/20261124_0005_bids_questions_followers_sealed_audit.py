"""Sealed bids and their versions, clarification questions, tender followers, and audit entries
sealed by a tender.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 05:53:25.172103
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'withdrawn', name='bid_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('sealed_draft', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_bids_supplier_id_suppliers')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_bids_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('tender_id', 'supplier_id', name=op.f('uq_bids_tender_id_supplier_id'))
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_tender_followers_supplier_id_suppliers')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_followers_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_followers')),
    sa.UniqueConstraint('tender_id', 'supplier_id', name=op.f('uq_tender_followers_tender_id_supplier_id'))
    )
    with op.batch_alter_table('tender_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_followers_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tender_followers_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_supplier_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('asked_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_tender_questions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_supplier_id'], ['suppliers.id'], name=op.f('fk_tender_questions_asked_by_supplier_id_suppliers')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_questions_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_questions'))
    )
    with op.batch_alter_table('tender_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_questions_tender_id'), ['tender_id'], unique=False)

    op.create_table('bid_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('received_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('sealed_content', sa.LargeBinary(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_versions_bid_id_bids')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_bid_versions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_versions')),
    sa.UniqueConstraint('bid_id', 'number', name=op.f('uq_bid_versions_bid_id_number'))
    )
    with op.batch_alter_table('bid_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_versions_bid_id'), ['bid_id'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_by_tender_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_sealed_by_tender_id'), ['sealed_by_tender_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_sealed_by_tender_id_tenders'), 'tenders', ['sealed_by_tender_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_sealed_by_tender_id_tenders'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_entries_sealed_by_tender_id'))
        batch_op.drop_column('sealed_by_tender_id')

    with op.batch_alter_table('bid_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_versions_bid_id'))

    op.drop_table('bid_versions')
    with op.batch_alter_table('tender_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_questions_tender_id'))

    op.drop_table('tender_questions')
    with op.batch_alter_table('tender_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_followers_tender_id'))
        batch_op.drop_index(batch_op.f('ix_tender_followers_supplier_id'))

    op.drop_table('tender_followers')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bids_tender_id'))
        batch_op.drop_index(batch_op.f('ix_bids_supplier_id'))

    op.drop_table('bids')
