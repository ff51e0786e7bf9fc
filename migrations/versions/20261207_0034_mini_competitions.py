"""Mini-competitions: the call-off rule moves from the tender to each lot (existing lots take
their tender's rule), with two new rules (mini-competition; cascade up to an amount and
mini-competition above it), the cascade's amount and the lot's shortest response deadline; and
the mini-competitions with their weights, invitations, sealed responses and scores.

Revision ID: 0034
Revises: 0033
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

OLD_RULES = ("free_choice", "cascade")
RULES = (*OLD_RULES, "mini_competition", "cascade_competition")


def _rule_enum(name: str, rules) -> sa.Enum:
    return sa.Enum(*rules, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "call_off_rule",
                _rule_enum("lot_call_off_rule", RULES),
                server_default="free_choice",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("cascade_limit", app.db.Money(), nullable=True))
        batch_op.add_column(
            sa.Column("competition_days", sa.Integer(), server_default="10", nullable=False)
        )
    op.execute(
        "UPDATE lots SET call_off_rule = "
        "(SELECT tenders.call_off_rule FROM tenders WHERE tenders.id = lots.tender_id)"
    )
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tenders_call_off_rule"), type_="check")
        batch_op.drop_column("call_off_rule")

    op.create_table(
        "mini_competitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("jobcentre_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "closed",
                "awarded",
                "cancelled",
                name="competition_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("case_reference", sa.String(length=60), nullable=False),
        sa.Column("response_deadline", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("call_off_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_mini_competitions_competition_quantity_positive")),
        sa.ForeignKeyConstraint(["call_off_id"], ["call_offs.id"], name=op.f("fk_mini_competitions_call_off_id_call_offs")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_mini_competitions_decided_by_id_users")),
        sa.ForeignKeyConstraint(["jobcentre_id"], ["organisations.id"], name=op.f("fk_mini_competitions_jobcentre_id_organisations")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_mini_competitions_lot_id_lots")),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"], name=op.f("fk_mini_competitions_started_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mini_competitions")),
        sa.UniqueConstraint("number", name=op.f("uq_mini_competitions_number")),
    )
    with op.batch_alter_table("mini_competitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mini_competitions_jobcentre_id"), ["jobcentre_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mini_competitions_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "competition_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["competition_id"], ["mini_competitions.id"], name=op.f("fk_competition_weights_competition_id_mini_competitions")),
        sa.ForeignKeyConstraint(["criterion_id"], ["award_criteria.id"], name=op.f("fk_competition_weights_criterion_id_award_criteria")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_weights")),
        sa.UniqueConstraint("competition_id", "criterion_id", name=op.f("uq_competition_weights_competition_id_criterion_id")),
    )
    with op.batch_alter_table("competition_weights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competition_weights_competition_id"), ["competition_id"], unique=False)

    op.create_table(
        "competition_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("price_cap", app.db.Money(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], name=op.f("fk_competition_invitations_agreement_id_agreements")),
        sa.ForeignKeyConstraint(["competition_id"], ["mini_competitions.id"], name=op.f("fk_competition_invitations_competition_id_mini_competitions")),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], name=op.f("fk_competition_invitations_supplier_id_suppliers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_invitations")),
        sa.UniqueConstraint("competition_id", "supplier_id", name=op.f("uq_competition_invitations_competition_id_supplier_id")),
    )
    with op.batch_alter_table("competition_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competition_invitations_competition_id"), ["competition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_competition_invitations_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "competition_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("submitted", "withdrawn", name="response_state", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("withdrawn_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("score", sa.String(length=20), nullable=False),
        sa.Column("price_part", sa.String(length=20), nullable=False),
        sa.Column("quality_part", sa.String(length=20), nullable=False),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["competition_id"], ["mini_competitions.id"], name=op.f("fk_competition_responses_competition_id_mini_competitions")),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], name=op.f("fk_competition_responses_supplier_id_suppliers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_responses")),
        sa.UniqueConstraint("competition_id", "supplier_id", name=op.f("uq_competition_responses_competition_id_supplier_id")),
    )
    with op.batch_alter_table("competition_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competition_responses_competition_id"), ["competition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_competition_responses_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "competition_response_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("received_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("sealed_content", sa.LargeBinary(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["competition_responses.id"], name=op.f("fk_competition_response_versions_response_id_competition_responses")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"], name=op.f("fk_competition_response_versions_submitted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_response_versions")),
        sa.UniqueConstraint("response_id", "number", name=op.f("uq_competition_response_versions_response_id_number")),
    )
    with op.batch_alter_table("competition_response_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competition_response_versions_response_id"), ["response_id"], unique=False)

    op.create_table(
        "competition_response_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 10", name=op.f("ck_competition_response_scores_response_score_in_range")),
        sa.ForeignKeyConstraint(["criterion_id"], ["award_criteria.id"], name=op.f("fk_competition_response_scores_criterion_id_award_criteria")),
        sa.ForeignKeyConstraint(["response_id"], ["competition_responses.id"], name=op.f("fk_competition_response_scores_response_id_competition_responses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_response_scores")),
        sa.UniqueConstraint("response_id", "criterion_id", name=op.f("uq_competition_response_scores_response_id_criterion_id")),
    )
    with op.batch_alter_table("competition_response_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competition_response_scores_response_id"), ["response_id"], unique=False)


def downgrade() -> None:
    for table in (
        "competition_response_scores",
        "competition_response_versions",
        "competition_responses",
        "competition_invitations",
        "competition_weights",
        "mini_competitions",
    ):
        op.drop_table(table)
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "call_off_rule",
                _rule_enum("call_off_rule", OLD_RULES),
                server_default="free_choice",
                nullable=False,
            )
        )
    # A tender takes its first lot's rule; the rules without a counterpart fall back.
    op.execute(
        "UPDATE tenders SET call_off_rule = COALESCE((SELECT CASE WHEN lots.call_off_rule "
        "IN ('cascade', 'cascade_competition') THEN 'cascade' ELSE 'free_choice' END "
        "FROM lots WHERE lots.tender_id = tenders.id AND lots.number = 1), 'free_choice')"
    )
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lots_lot_call_off_rule"), type_="check")
        batch_op.drop_column("competition_days")
        batch_op.drop_column("cascade_limit")
        batch_op.drop_column("call_off_rule")
