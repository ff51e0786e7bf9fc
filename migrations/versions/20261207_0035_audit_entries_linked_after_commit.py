"""Audit entries may be written unlinked (no place in the chain yet) and linked after their
transaction's commit: `seq` may be empty, and a partial index finds the entries waiting.

Revision ID: 0035
Revises: 0034
"""

from alembic import op
import sqlalchemy as sa


revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

UNLINKED = "seq IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=True)
        batch_op.create_index(
            "ix_audit_entries_unlinked",
            ["id"],
            unique=False,
            sqlite_where=sa.text(UNLINKED),
            postgresql_where=sa.text(UNLINKED),
        )


def downgrade() -> None:
    # Entries still waiting would have no place: they are refused rather than dropped.
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_unlinked")
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
