"""Summary figures of outside purchases, kept with every purchase stored or reclassified: per
month and class by jobcentre, and by region and target group; filled from existing purchases.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 10:15:02.704553
"""

from alembic import op
import sqlalchemy as sa
import app.db


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spend_outside_group_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('target_group_id', sa.Integer(), nullable=False),
    sa.Column('classification', sa.Enum('no_framework', 'exempted', 'breach', name='outside_group_month_classification', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amount', app.db.Money(), nullable=False),
    sa.Column('purchases', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['organisations.id'], name=op.f('fk_spend_outside_group_months_region_id_organisations')),
    sa.ForeignKeyConstraint(['target_group_id'], ['target_groups.id'], name=op.f('fk_spend_outside_group_months_target_group_id_target_groups')),
    sa.PrimaryKeyConstraint('month', 'region_id', 'target_group_id', 'classification', name=op.f('pk_spend_outside_group_months'))
    )
    op.create_table('spend_outside_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('jobcentre_id', sa.Integer(), nullable=False),
    sa.Column('classification', sa.Enum('no_framework', 'exempted', 'breach', name='outside_month_classification', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amount', app.db.Money(), nullable=False),
    sa.Column('purchases', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['jobcentre_id'], ['organisations.id'], name=op.f('fk_spend_outside_months_jobcentre_id_organisations')),
    sa.PrimaryKeyConstraint('month', 'jobcentre_id', 'classification', name=op.f('pk_spend_outside_months'))
    )
    if op.get_bind().dialect.name == "postgresql":
        month = "to_char(p.purchased_on, 'YYYY-MM')"
    else:
        month = "substr(CAST(p.purchased_on AS VARCHAR), 1, 7)"
    op.execute(
        "INSERT INTO spend_outside_months "
        "(month, jobcentre_id, classification, amount, purchases) "
        f"SELECT {month}, p.jobcentre_id, p.classification, SUM(p.amount), COUNT(*) "
        "FROM outside_purchases p GROUP BY 1, 2, 3"
    )
    op.execute(
        "INSERT INTO spend_outside_group_months "
        "(month, region_id, target_group_id, classification, amount, purchases) "
        f"SELECT {month}, j.region_id, p.target_group_id, p.classification, SUM(p.amount), "
        "COUNT(*) FROM outside_purchases p JOIN organisations j ON j.id = p.jobcentre_id "
        "GROUP BY 1, 2, 3, 4"
    )


def downgrade() -> None:
    op.drop_table('spend_outside_months')
    op.drop_table('spend_outside_group_months')
