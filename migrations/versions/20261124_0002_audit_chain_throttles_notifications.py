"""The audit trail becomes an HMAC chain; login throttles, notifications and the e-mail outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 05:16:15.012296
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_login_throttles_scope_key'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_sent_at'), ['sent_at'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('chain_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entries_seq'), ['seq'])


def _chain_existing_entries() -> None:
    """Entries written before the chain existed join it in the order they were written."""
    from types import SimpleNamespace

    from app.audit import chain
    from app.config import from_environment

    connection = op.get_bind()
    fields = [
        sa.column('id', sa.Integer()),
        sa.column('occurred_at', app.db.UTCDateTime()),
        sa.column('actor_id', sa.Integer()),
        sa.column('actor_organisation_id', sa.Integer()),
        sa.column('action', sa.String()),
        sa.column('object_type', sa.String()),
        sa.column('object_id', sa.Integer()),
        sa.column('changes', sa.JSON()),
        sa.column('request_id', sa.String()),
        sa.column('remote_addr', sa.String()),
    ]
    entries = sa.table('audit_entries', *fields, sa.column('seq'), sa.column('chain_hash'))
    rows = connection.execute(sa.select(*fields).select_from(entries).order_by(entries.c.id))
    rows = rows.mappings().all()
    if rows:  # only then is the key needed (from the environment, as for the app)
        chain.configure(from_environment()["AUDIT_HMAC_KEY"])
    previous, seq = "", 0
    for row in rows:
        seq += 1
        previous = chain.link(previous, SimpleNamespace(**row, seq=seq))
        connection.execute(
            entries.update().where(entries.c.id == row["id"]).values(seq=seq, chain_hash=previous)
        )
    head = sa.table(
        'audit_chain_head', sa.column('id'), sa.column('last_seq'), sa.column('last_hash')
    )
    connection.execute(head.insert().values(id=chain.HEAD_ID, last_seq=seq, last_hash=previous))


def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entries_seq'), type_='unique')
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('seq')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_sent_at'))

    op.drop_table('outbox_messages')
    op.drop_table('login_throttles')
    op.drop_table('audit_chain_head')
