"""The counsellors of a unit and their e-mail addresses (issue 18): `optima notify` mails each
counsellor what awaits them on their cases, beside the unit's contact person. Also raises
meta.schema_version to 13.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_table("counsellor",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("institution_id", sa.Integer(), nullable=False),
                    sa.Column("name", sa.String(), nullable=False),
                    sa.Column("email", sa.String(), nullable=False),
                    sa.ForeignKeyConstraint(["institution_id"], ["institution.id"]),
                    sa.PrimaryKeyConstraint("id"),
                    sa.UniqueConstraint("institution_id", "name"))
    op.create_index("ix_counsellor_institution_id", "counsellor", ["institution_id"], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="13"))


def downgrade() -> None:
    op.drop_index("ix_counsellor_institution_id", table_name="counsellor")
    op.drop_table("counsellor")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="12"))
