"""Refusing and withdrawing: an award proposal may be sent back by the second person (with the
reason) or withdrawn by its proposer (both kept; the evaluation reopens, and a new award may be
proposed); a jobcentre may withdraw an exemption request the region has not decided yet.

Revision ID: 0036
Revises: 0035
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

AWARD_STATES = ("proposed", "approved", "concluded", "annulled")
ENDED = ("sent_back", "withdrawn")
OLD_LIVE_AWARD = "state != 'annulled'"
LIVE_AWARD = "state NOT IN ('annulled', 'sent_back', 'withdrawn')"
EXEMPTION_STATES = ("requested", "approved", "refused")


def _listed(states: tuple[str, ...]) -> str:
    return ", ".join(f"'{state}'" for state in states)


def _allow_states(table: str, name: str, states: tuple[str, ...]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), f"state IN ({_listed(states)})")


def _live_index(where: str) -> None:
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("uq_awards_tender_id_live")
        batch_op.create_index(
            "uq_awards_tender_id_live",
            ["tender_id"],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def upgrade() -> None:
    _allow_states("awards", "award_state", (*AWARD_STATES, *ENDED))
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_at", app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("end_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_awards_ended_by_id_users"), "users", ["ended_by_id"], ["id"]
        )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.alter_column("end_reason", server_default=None)
    _live_index(LIVE_AWARD)
    _allow_states("exemptions", "exemption_state", (*EXEMPTION_STATES, "withdrawn"))
    with op.batch_alter_table("exemptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", app.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    # A withdrawn request and an ended award proposal have no place in the old schema: they go.
    op.execute("DELETE FROM exemptions WHERE state = 'withdrawn'")
    with op.batch_alter_table("exemptions", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    _allow_states("exemptions", "exemption_state", EXEMPTION_STATES)
    op.execute(
        "DELETE FROM awarded_bids WHERE award_id IN "
        "(SELECT id FROM awards WHERE state IN ('sent_back', 'withdrawn'))"
    )
    op.execute("DELETE FROM awards WHERE state IN ('sent_back', 'withdrawn')")
    _live_index(OLD_LIVE_AWARD)
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_awards_ended_by_id_users"), type_="foreignkey")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("ended_at")
        batch_op.drop_column("ended_by_id")
    _allow_states("awards", "award_state", AWARD_STATES)
