"""Joint strategies (issue 18): two or three institutions work one client together, one of them
in the lead (table `joint_strategy`), the other units (`joint_partner`) and the reviews
(`joint_review`). Also raises meta.schema_version to 11.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_table("joint_strategy",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("strategy_year", sa.Integer(), nullable=False),
                    sa.Column("strategy_seq", sa.Integer(), nullable=False),
                    sa.Column("strategy_id", sa.String(), nullable=False),
                    sa.Column("client_id", sa.Integer(), nullable=False),
                    sa.Column("lead_id", sa.Integer(), nullable=False),
                    sa.Column("goal", sa.String(), nullable=True),
                    sa.Column("opened_on", sa.Date(), nullable=False),
                    sa.Column("review_on", sa.Date(), nullable=False),
                    sa.Column("closed_on", sa.Date(), nullable=True),
                    sa.Column("outcome", sa.String(), nullable=True),
                    sa.Column("cause", sa.String(), nullable=True),
                    sa.Column("close_note", sa.String(), nullable=True),
                    sa.Column("from_referral_id", sa.Integer(), nullable=True),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(["client_id"], ["client.id"], ),
                    sa.ForeignKeyConstraint(["from_referral_id"], ["referral.id"], ),
                    sa.ForeignKeyConstraint(["lead_id"], ["institution.id"], ),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("strategy_year", "strategy_seq"))
    op.create_index("ix_joint_strategy_strategy_id", "joint_strategy", ["strategy_id"], unique=True)
    op.create_index("ix_joint_strategy_client_id", "joint_strategy", ["client_id"], unique=False)
    op.create_index("ix_joint_strategy_opened_on", "joint_strategy", ["opened_on"], unique=False)
    op.create_index("ix_joint_strategy_closed_on", "joint_strategy", ["closed_on"], unique=False)
    op.create_table("joint_partner",
                    sa.Column("joint_id", sa.Integer(), nullable=False),
                    sa.Column("institution_id", sa.Integer(), nullable=False),
                    sa.Column("position", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["institution_id"], ["institution.id"], ),
                    sa.ForeignKeyConstraint(["joint_id"], ["joint_strategy.id"], ),
                    sa.PrimaryKeyConstraint("joint_id", "institution_id"))
    op.create_table("joint_review",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("joint_id", sa.Integer(), nullable=False),
                    sa.Column("reviewed_on", sa.Date(), nullable=False),
                    sa.Column("next_on", sa.Date(), nullable=False),
                    sa.Column("note", sa.String(), nullable=True),
                    sa.ForeignKeyConstraint(["joint_id"], ["joint_strategy.id"], ),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_joint_review_joint_id", "joint_review", ["joint_id"], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="11"))


def downgrade() -> None:
    op.drop_index("ix_joint_review_joint_id", table_name="joint_review")
    op.drop_table("joint_review")
    op.drop_table("joint_partner")
    op.drop_index("ix_joint_strategy_closed_on", table_name="joint_strategy")
    op.drop_index("ix_joint_strategy_opened_on", table_name="joint_strategy")
    op.drop_index("ix_joint_strategy_client_id", table_name="joint_strategy")
    op.drop_index("ix_joint_strategy_strategy_id", table_name="joint_strategy")
    op.drop_table("joint_strategy")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="10"))
