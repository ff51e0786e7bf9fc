"""Every council decision ever linked to a decision to react, so that none is used twice; filled
from the cases' present links.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-24 11:47:33.210012
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reaction_decisions',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('reaction_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['council_decisions.id'], name=op.f('fk_reaction_decisions_decision_id_council_decisions')),
    sa.ForeignKeyConstraint(['reaction_id'], ['reactions.id'], name=op.f('fk_reaction_decisions_reaction_id_reactions')),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_reaction_decisions'))
    )
    with op.batch_alter_table('reaction_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reaction_decisions_reaction_id'), ['reaction_id'], unique=False)

    for column in ("agreement_decision_id", "recommendation_decision_id"):
        op.execute(
            "INSERT INTO reaction_decisions (decision_id, reaction_id, linked_at) "
            f"SELECT {column}, id, updated_at FROM reactions WHERE {column} IS NOT NULL"
        )



def downgrade() -> None:
    with op.batch_alter_table('reaction_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reaction_decisions_reaction_id'))

    op.drop_table('reaction_decisions')
