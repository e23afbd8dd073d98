"""The case journal (issue 18): dated entries while a case runs (a meeting, progress, a problem).

Table `journal_entry`: the case (referral), its number within the case, the day it tells of, the
text (personal; erased by anonymize), who wrote it and when it was recorded, and, for an entry
struck as wrong, who struck it, when and why. Also raises meta.schema_version to 10.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_table("journal_entry",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("referral_id", sa.Integer(), nullable=False),
                    sa.Column("number", sa.Integer(), nullable=False),
                    sa.Column("entry_on", sa.Date(), nullable=False),
                    sa.Column("text", sa.Text(), nullable=True),
                    sa.Column("author", sa.String(), nullable=False),
                    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("struck_at", sa.DateTime(timezone=True), nullable=True),
                    sa.Column("struck_by", sa.String(), nullable=True),
                    sa.Column("struck_why", sa.Text(), nullable=True),
                    sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("referral_id", "number"))
    op.create_index("ix_journal_entry_referral_id", "journal_entry", ["referral_id"], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="10"))


def downgrade() -> None:
    op.drop_index("ix_journal_entry_referral_id", table_name="journal_entry")
    op.drop_table("journal_entry")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="9"))
