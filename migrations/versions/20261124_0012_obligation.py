"""Exemptions, purchases outside the platform (registered or imported), and their follow-up.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 08:07:56.798605
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('purchase_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=150), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('already_known', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_purchase_imports_imported_by_id_users')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_purchase_imports_jobcentre_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_imports'))
    )
    with op.batch_alter_table('purchase_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_imports_jobcentre_id'), ['jobcentre_id'], unique=False)

    op.create_table('exemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Enum('special_needs', 'continuity', 'no_capacity', 'local_offer', 'other', name='exemption_reason', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('requested', 'approved', 'refused', name='exemption_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_exemptions_period_in_order')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_exemptions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_exemptions_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_exemptions_lot_id_lots')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_exemptions_requested_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_exemptions_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemptions'))
    )
    with op.batch_alter_table('exemptions', schema=None) as batch_op:
        batch_op.create_index('ix_exemptions_jobcentre_tender', ['jobcentre_id', 'tender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemptions_tender_id'), ['tender_id'], unique=False)

    op.create_table('outside_purchases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.Column('supplier_name', sa.String(length=200), nullable=False),
    sa.Column('supplier_cvr', sa.String(length=8), nullable=False),
    sa.Column('amount', app.db.Money(), nullable=False),
    sa.Column('purchased_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('voucher', sa.String(length=40), nullable=False),
    sa.Column('classification', sa.Enum('no_framework', 'exempted', 'breach', name='purchase_classification', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('exemption_id', sa.Integer(), nullable=True),
    sa.Column('breach_reason', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Enum('open', 'accepted', 'needs_follow_up', name='breach_follow_up', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('follow_up_reason', sa.Text(), nullable=False),
    sa.Column('followed_up_by_id', sa.Integer(), nullable=True),
    sa.Column('followed_up_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('source', sa.Enum('registered', 'imported', name='purchase_source', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('line_key', sa.String(length=64), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['exemption_id'], ['exemptions.id'], name=op.f('fk_outside_purchases_exemption_id_exemptions')),
    sa.ForeignKeyConstraint(['followed_up_by_id'], ['users.id'], name=op.f('fk_outside_purchases_followed_up_by_id_users')),
    sa.ForeignKeyConstraint(['import_id'], ['purchase_imports.id'], name=op.f('fk_outside_purchases_import_id_purchase_imports')),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_outside_purchases_jobcentre_id_organisations')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_outside_purchases_registered_by_id_users')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_outside_purchases_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outside_purchases')),
    sa.UniqueConstraint('jobcentre_id', 'line_key', name=op.f('uq_outside_purchases_jobcentre_id_line_key'))
    )
    with op.batch_alter_table('outside_purchases', schema=None) as batch_op:
        batch_op.create_index('ix_outside_purchases_class', ['classification', 'follow_up'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_purchases_import_id'), ['import_id'], unique=False)
        batch_op.create_index('ix_outside_purchases_jobcentre_day', ['jobcentre_id', 'purchased_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_purchases_supplier_cvr'), ['supplier_cvr'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_purchases_target_group_id'), ['target_group_id'], unique=False)

    op.create_table('outside_purchase_lots',
    sa.Column('purchase_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_outside_purchase_lots_lot_id_lots')),
    sa.ForeignKeyConstraint(['purchase_id'], ['outside_purchases.id'], name=op.f('fk_outside_purchase_lots_purchase_id_outside_purchases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('purchase_id', 'lot_id', name=op.f('pk_outside_purchase_lots'))
    )
    with op.batch_alter_table('outside_purchase_lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outside_purchase_lots_lot_id'), ['lot_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('outside_purchase_lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outside_purchase_lots_lot_id'))

    op.drop_table('outside_purchase_lots')
    with op.batch_alter_table('outside_purchases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outside_purchases_target_group_id'))
        batch_op.drop_index(batch_op.f('ix_outside_purchases_supplier_cvr'))
        batch_op.drop_index('ix_outside_purchases_jobcentre_day')
        batch_op.drop_index(batch_op.f('ix_outside_purchases_import_id'))
        batch_op.drop_index('ix_outside_purchases_class')

    op.drop_table('outside_purchases')
    with op.batch_alter_table('exemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exemptions_tender_id'))
        batch_op.drop_index('ix_exemptions_jobcentre_tender')

    op.drop_table('exemptions')
    with op.batch_alter_table('purchase_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_imports_jobcentre_id'))

    op.drop_table('purchase_imports')

