"""A tender whose framework agreements are concluded is active: the state check admits it.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BEFORE = ("draft", "council_involved", "submitted", "approved", "published", "bidding_closed",
          "cancelled")
AFTER = (*BEFORE[:-1], "active", "cancelled")


def _allow(states: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{state}'" for state in states)
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tenders_tender_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_tenders_tender_state"), f"state IN ({listed})")


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute("UPDATE tenders SET state = 'published' WHERE state = 'active'")
    _allow(BEFORE)
