"""Outcomes of the courses: per call-off order, how many started, completed, and were in work
or education 13 and 26 weeks after; the files they came in; each region's threshold of persons.

Revision ID: 0037
Revises: 0036
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcome_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_outcome_imports_imported_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["organisations.id"],
            name=op.f("fk_outcome_imports_jobcentre_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_imports")),
    )
    with op.batch_alter_table("outcome_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_imports_jobcentre_id"), ["jobcentre_id"], unique=False
        )

    op.create_table(
        "outcome_thresholds",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["organisations.id"],
            name=op.f("fk_outcome_thresholds_region_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_outcome_thresholds_set_by_id_users")
        ),
        sa.PrimaryKeyConstraint("region_id", name=op.f("pk_outcome_thresholds")),
    )
    op.create_table(
        "course_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_off_id", sa.Integer(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("in_work_13", sa.Integer(), nullable=True),
        sa.Column("in_work_26", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "completed <= started", name=op.f("ck_course_outcomes_completed_within_started")
        ),
        sa.CheckConstraint(
            "in_work_13 IS NULL OR in_work_13 <= started",
            name=op.f("ck_course_outcomes_work_13_within"),
        ),
        sa.CheckConstraint(
            "in_work_26 IS NULL OR in_work_26 <= started",
            name=op.f("ck_course_outcomes_work_26_within"),
        ),
        sa.ForeignKeyConstraint(
            ["call_off_id"], ["call_offs.id"], name=op.f("fk_course_outcomes_call_off_id_call_offs")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["outcome_imports.id"],
            name=op.f("fk_course_outcomes_import_id_outcome_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_course_outcomes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_outcomes")),
        sa.UniqueConstraint("call_off_id", name=op.f("uq_course_outcomes_call_off_id")),
    )


def downgrade() -> None:
    op.drop_table("course_outcomes")
    op.drop_table("outcome_thresholds")
    with op.batch_alter_table("outcome_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_imports_jobcentre_id"))

    op.drop_table("outcome_imports")
