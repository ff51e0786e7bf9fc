"""Sign-in through NemLog-in: the assertions seen (replays are refused), the people waiting for a
user, the persistent UUID on users, and the CVR numbers of public organisations and municipalities.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 07:15:30.346598
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nemlogin_seen_assertions',
    sa.Column('assertion_id', sa.String(length=256), nullable=False),
    sa.Column('expires_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('assertion_id', name=op.f('pk_nemlogin_seen_assertions'))
    )
    with op.batch_alter_table('nemlogin_seen_assertions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nemlogin_seen_assertions_expires_at'), ['expires_at'], unique=False)

    op.create_table('nemlogin_applicants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nemlogin_uuid', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('colleague', 'role', 'registration', name='applicant_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('state', sa.Enum('waiting', 'admitted', 'refused', name='applicant_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('cvr', sa.String(length=8), nullable=False),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_nemlogin_applicants_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_nemlogin_applicants_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nemlogin_applicants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nemlogin_applicants')),
    sa.UniqueConstraint('nemlogin_uuid', name=op.f('uq_nemlogin_applicants_nemlogin_uuid'))
    )
    with op.batch_alter_table('nemlogin_applicants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nemlogin_applicants_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cvr', sa.String(length=8), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_municipalities_cvr'), ['cvr'])

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cvr', sa.String(length=8), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organisations_cvr'), ['cvr'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nemlogin_uuid', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_nemlogin_uuid'), ['nemlogin_uuid'])



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_nemlogin_uuid'), type_='unique')
        batch_op.drop_column('nemlogin_uuid')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisations_cvr'), type_='unique')
        batch_op.drop_column('cvr')

    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_municipalities_cvr'), type_='unique')
        batch_op.drop_column('cvr')

    with op.batch_alter_table('nemlogin_applicants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nemlogin_applicants_organisation_id'))

    op.drop_table('nemlogin_applicants')
    with op.batch_alter_table('nemlogin_seen_assertions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nemlogin_seen_assertions_expires_at'))

    op.drop_table('nemlogin_seen_assertions')
