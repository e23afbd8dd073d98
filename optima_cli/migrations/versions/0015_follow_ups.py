"""Follow-ups after the closing (issue 19): what became of the client 6 and 12 months later
(table follow_up; the schedule follows from the closing and the settings). Also raises
meta.schema_version to 15.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_table("follow_up",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("referral_id", sa.Integer(), nullable=False),
                    sa.Column("closed_on", sa.Date(), nullable=False),
                    sa.Column("point", sa.String(), nullable=False),
                    sa.Column("months", sa.Integer(), nullable=False),
                    sa.Column("due_on", sa.Date(), nullable=False),
                    sa.Column("situation", sa.String(), nullable=False),
                    sa.Column("since", sa.Date(), nullable=True),
                    sa.Column("contact_on", sa.Date(), nullable=False),
                    sa.Column("note", sa.String(), nullable=True),
                    sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
                    sa.Column("actor", sa.String(), nullable=False),
                    sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_follow_up_referral_point", "follow_up", ["referral_id", "point"],
                    unique=False)
    op.create_index("ix_follow_up_entered_at", "follow_up", ["entered_at"], unique=False)
    # the closed cases by closing day: the follow-ups due in a span of days (report, due)
    op.create_index("ix_referral_status_closed_on", "referral", ["status", "closed_on"],
                    unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="15"))


def downgrade() -> None:
    op.drop_index("ix_referral_status_closed_on", table_name="referral")
    op.drop_index("ix_follow_up_entered_at", table_name="follow_up")
    op.drop_index("ix_follow_up_referral_point", table_name="follow_up")
    op.drop_table("follow_up")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="14"))
