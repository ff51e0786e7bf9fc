"""Mini-competitions run by a region for several of its jobcentres: the competition names
either its jobcentre or its region, and a region's competition has a share (quantity and case
reference, later its order) per jobcentre.

Revision ID: 0038
Revises: 0037
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "competition_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("case_reference", sa.String(length=60), nullable=False),
        sa.Column("call_off_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_competition_shares_competition_share_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["call_off_id"],
            ["call_offs.id"],
            name=op.f("fk_competition_shares_call_off_id_call_offs"),
        ),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["mini_competitions.id"],
            name=op.f("fk_competition_shares_competition_id_mini_competitions"),
        ),
        sa.ForeignKeyConstraint(
            ["jobcentre_id"],
            ["organisations.id"],
            name=op.f("fk_competition_shares_jobcentre_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_shares")),
        sa.UniqueConstraint(
            "competition_id",
            "jobcentre_id",
            name=op.f("uq_competition_shares_competition_id_jobcentre_id"),
        ),
    )
    with op.batch_alter_table("competition_shares", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competition_shares_competition_id"), ["competition_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_competition_shares_jobcentre_id"), ["jobcentre_id"], unique=False
        )

    with op.batch_alter_table("mini_competitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.alter_column("jobcentre_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_mini_competitions_region_id"), ["region_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_mini_competitions_region_id_organisations"),
            "organisations",
            ["region_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            op.f("ck_mini_competitions_competition_one_organiser"),
            "(jobcentre_id IS NULL) <> (region_id IS NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("mini_competitions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_mini_competitions_competition_one_organiser"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_mini_competitions_region_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_mini_competitions_region_id"))
        batch_op.alter_column("jobcentre_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("region_id")

    with op.batch_alter_table("competition_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competition_shares_jobcentre_id"))
        batch_op.drop_index(batch_op.f("ix_competition_shares_competition_id"))

    op.drop_table("competition_shares")
