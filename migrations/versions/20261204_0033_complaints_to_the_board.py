"""Complaints to the Complaints Board for Public Procurement: the complaints and their
documents; an award may be annulled (kept, with a new award after it: the one award per tender
becomes one award per tender that is not annulled); an agreement may be declared ineffective
from a day.

Revision ID: 0033
Revises: 0032
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

AWARD_STATES = ("proposed", "approved", "concluded")
LIVE_AWARD = "state != 'annulled'"


def _allow_award_states(states: tuple[str, ...]) -> None:
    listed = ", ".join(f"'{state}'" for state in states)
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_awards_award_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_awards_award_state"), f"state IN ({listed})")


def upgrade() -> None:
    _allow_award_states((*AWARD_STATES, "annulled"))
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_awards_tender_id"), type_="unique")
        batch_op.create_index(batch_op.f("ix_awards_tender_id"), ["tender_id"], unique=False)
        batch_op.create_index(
            "uq_awards_tender_id_live",
            ["tender_id"],
            unique=True,
            sqlite_where=sa.text(LIVE_AWARD),
            postgresql_where=sa.text(LIVE_AWARD),
        )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ineffective_on", sa.Date(), nullable=True))

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("complainant", sa.String(length=200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "suspension_granted",
                "suspension_refused",
                "upheld",
                "annulled",
                "ineffective",
                name="complaint_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("suspension_decided_on", sa.Date(), nullable=True),
        sa.Column("ruled_on", sa.Date(), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["awards.id"], name=op.f("fk_complaints_award_id_awards")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["users.id"], name=op.f("fk_complaints_registered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tenders.id"], name=op.f("fk_complaints_tender_id_tenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint(
            "tender_id", "case_number", name=op.f("uq_complaints_tender_id_case_number")
        ),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_award_id"), ["award_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "complaint_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_documents_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_complaint_documents_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_documents")),
    )
    with op.batch_alter_table("complaint_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_documents_complaint_id"), ["complaint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("complaint_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_documents_complaint_id"))
    op.drop_table("complaint_documents")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_tender_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_award_id"))
    op.drop_table("complaints")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("ineffective_on")
    # An annulled award has no place in the old schema (one award per tender): it goes.
    op.execute(
        "DELETE FROM awarded_bids WHERE award_id IN (SELECT id FROM awards WHERE state = 'annulled')"
    )
    op.execute("DELETE FROM awards WHERE state = 'annulled'")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index("uq_awards_tender_id_live")
        batch_op.drop_index(batch_op.f("ix_awards_tender_id"))
        batch_op.create_unique_constraint(op.f("uq_awards_tender_id"), ["tender_id"])
    _allow_award_states(AWARD_STATES)
