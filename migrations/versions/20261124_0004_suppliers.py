"""Suppliers with their profile, target groups, regions and documents; confirmed e-mail addresses.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 05:48:22.800628
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('suppliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('cvr', sa.String(length=8), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('contact_person', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('unconfirmed', 'active', 'suspended', name='supplier_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('suspension_reason', sa.Text(), nullable=False),
    sa.Column('suspended_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('exclusion_declared_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('registered_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_suppliers_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppliers')),
    sa.UniqueConstraint('cvr', name=op.f('uq_suppliers_cvr')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_suppliers_organisation_id'))
    )
    op.create_table('supplier_regions',
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_supplier_regions_region_id_organisations')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_regions_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('supplier_id', 'region_id', name=op.f('pk_supplier_regions'))
    )
    op.create_table('supplier_target_groups',
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_target_groups_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_supplier_target_groups_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('supplier_id', 'target_group_id', name=op.f('pk_supplier_target_groups'))
    )
    op.create_table('supplier_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_supplier_documents_file_id_stored_files')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_documents_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_documents'))
    )
    with op.batch_alter_table('supplier_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_documents_supplier_id'), ['supplier_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', app.db.UTCDateTime(timezone=True), nullable=True))
    # Users made before confirmation existed were all created by an administrator, who vouched.
    op.execute("UPDATE users SET email_confirmed_at = created_at")



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')

    with op.batch_alter_table('supplier_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_documents_supplier_id'))

    op.drop_table('supplier_documents')
    op.drop_table('supplier_target_groups')
    op.drop_table('supplier_regions')
    op.drop_table('suppliers')
