"""What `optima notify` delivered (issue 18): table `notice`, one row per item of a digest and the
address it went to, so that nothing is sent twice and what was not delivered is sent next time.
Also raises meta.schema_version to 9.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_table("notice",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("recipient", sa.String(), nullable=False),
                    sa.Column("item", sa.String(), nullable=False),
                    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("recipient", "item"))
    op.create_index("ix_notice_recipient", "notice", ["recipient"], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="9"))


def downgrade() -> None:
    op.drop_index("ix_notice_recipient", table_name="notice")
    op.drop_table("notice")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="8"))
