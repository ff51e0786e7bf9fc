"""Target groups, the councils' register, uploaded files, and framework tenders with their
lots, criteria, requirements, documents, approvals and amendments; region codes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:27:07.985565
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('target_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('integration_effort', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_groups')),
    sa.UniqueConstraint('name', name=op.f('uq_target_groups_name'))
    )
    op.create_table('annual_contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_annual_contracts_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_contracts')),
    sa.UniqueConstraint('council_id', 'year', name=op.f('uq_annual_contracts_council_id_year'))
    )
    with op.batch_alter_table('annual_contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_contracts_council_id'), ['council_id'], unique=False)

    op.create_table('council_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_meetings_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meetings'))
    )
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_meetings_council_id'), ['council_id'], unique=False)

    op.create_table('stored_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files'))
    )
    op.create_table('contract_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['annual_contracts.id'], name=op.f('fk_contract_needs_contract_id_annual_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_needs'))
    )
    with op.batch_alter_table('contract_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_needs_contract_id'), ['contract_id'], unique=False)

    op.create_table('council_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('concerns', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_decisions_council_id_councils')),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_decisions_meeting_id_council_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_decisions'))
    )
    with op.batch_alter_table('council_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_decisions_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_meeting_documents_file_id_stored_files')),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_meeting_documents_meeting_id_council_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_documents'))
    )
    with op.batch_alter_table('meeting_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_documents_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('tenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Enum('regional', 'national', name='tender_scope', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('state', sa.Enum('draft', 'council_involved', 'submitted', 'approved', 'published', 'bidding_closed', 'cancelled', name='tender_state', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('estimated_value', app.db.Money(), nullable=False),
    sa.Column('agreement_start', sa.Date(), nullable=False),
    sa.Column('agreement_end', sa.Date(), nullable=False),
    sa.Column('long_period_reason', sa.Text(), nullable=False),
    sa.Column('bid_deadline', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('call_off_rule', sa.Enum('free_choice', 'cascade', name='call_off_rule', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tenders_created_by_id_users')),
    sa.ForeignKeyConstraint(['need_id'], ['contract_needs.id'], name=op.f('fk_tenders_need_id_contract_needs')),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_tenders_region_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenders')),
    sa.UniqueConstraint('reference', name=op.f('uq_tenders_reference'))
    )
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenders_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_tenders_state_deadline', ['state', 'bid_deadline'], unique=False)

    op.create_table('award_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('is_price', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_award_criteria_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_criteria'))
    )
    with op.batch_alter_table('award_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_criteria_tender_id'), ['tender_id'], unique=False)

    op.create_table('lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('maximum_value', app.db.Money(), nullable=False),
    sa.Column('suppliers_to_award', sa.Integer(), nullable=False),
    sa.Column('fewer_suppliers_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_lots_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lots')),
    sa.UniqueConstraint('tender_id', 'number', name=op.f('uq_lots_tender_id_number'))
    )
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lots_tender_id'), ['tender_id'], unique=False)

    op.create_table('minimum_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_minimum_requirements_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minimum_requirements'))
    )
    with op.batch_alter_table('minimum_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minimum_requirements_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('council', 'director', 'integration', 'ministry', name='approval_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('given_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_tender_approvals_actor_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['council_decisions.id'], name=op.f('fk_tender_approvals_decision_id_council_decisions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_tender_approvals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_approvals_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_approvals'))
    )
    with op.batch_alter_table('tender_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_approvals_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tender_approvals_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_tender_documents_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_documents_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_documents'))
    )
    with op.batch_alter_table('tender_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_documents_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_target_groups',
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_tender_target_groups_target_group_id_target_groups')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_target_groups_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tender_id', 'target_group_id', name=op.f('pk_tender_target_groups'))
    )
    with op.batch_alter_table('tender_target_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_target_groups_target_group_id'), ['target_group_id'], unique=False)

    op.create_table('tender_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('clarification', 'document', 'deadline', name='amendment_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_deadline', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('new_deadline', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('made_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_tender_amendments_actor_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['tender_documents.id'], name=op.f('fk_tender_amendments_document_id_tender_documents')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_amendments_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_amendments'))
    )
    with op.batch_alter_table('tender_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_amendments_tender_id'), ['tender_id'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=4), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organisations_code'), ['code'])



def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisations_code'), type_='unique')
        batch_op.drop_column('code')

    with op.batch_alter_table('tender_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_amendments_tender_id'))

    op.drop_table('tender_amendments')
    with op.batch_alter_table('tender_target_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_target_groups_target_group_id'))

    op.drop_table('tender_target_groups')
    with op.batch_alter_table('tender_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_documents_tender_id'))

    op.drop_table('tender_documents')
    with op.batch_alter_table('tender_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_approvals_tender_id'))
        batch_op.drop_index(batch_op.f('ix_tender_approvals_decision_id'))

    op.drop_table('tender_approvals')
    with op.batch_alter_table('minimum_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minimum_requirements_tender_id'))

    op.drop_table('minimum_requirements')
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lots_tender_id'))

    op.drop_table('lots')
    with op.batch_alter_table('award_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_criteria_tender_id'))

    op.drop_table('award_criteria')
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_index('ix_tenders_state_deadline')
        batch_op.drop_index(batch_op.f('ix_tenders_region_id'))

    op.drop_table('tenders')
    with op.batch_alter_table('meeting_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_documents_meeting_id'))

    op.drop_table('meeting_documents')
    with op.batch_alter_table('council_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_decisions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_council_decisions_council_id'))

    op.drop_table('council_decisions')
    with op.batch_alter_table('contract_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_needs_contract_id'))

    op.drop_table('contract_needs')
    op.drop_table('stored_files')
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_meetings_council_id'))

    op.drop_table('council_meetings')
    with op.batch_alter_table('annual_contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_contracts_council_id'))

    op.drop_table('annual_contracts')
    op.drop_table('target_groups')
