"""Every hurdle counted: the referrals an access criterion refused.

A `refer` that a rule refused wrote nothing, so the report could not say why cases were never
referred (issue 16). Table `refusal` keeps each refused attempt (the day, the referring and the
receiving unit, whether a justification would have lifted it; no person, no client) and
`refusal_rule` the rules that refused it. Also raises meta.schema_version to 5.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_table("refusal",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("refused_on", sa.Date(), nullable=False),
                    sa.Column("referrer_id", sa.Integer(), nullable=False),
                    sa.Column("receiver_id", sa.Integer(), nullable=False),
                    sa.Column("justifiable", sa.Boolean(), nullable=False),
                    sa.ForeignKeyConstraint(["receiver_id"], ["institution.id"], ),
                    sa.ForeignKeyConstraint(["referrer_id"], ["institution.id"], ),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_refusal_refused_on", "refusal", ["refused_on"], unique=False)
    op.create_table("refusal_rule",
                    sa.Column("refusal_id", sa.Integer(), nullable=False),
                    sa.Column("rule", sa.String(), nullable=False),
                    sa.ForeignKeyConstraint(["refusal_id"], ["refusal.id"], ),
                    sa.PrimaryKeyConstraint("refusal_id", "rule"))
    op.execute(META.update().where(META.c.key == "schema_version").values(value="5"))


def downgrade() -> None:
    op.drop_table("refusal_rule")
    op.drop_index("ix_refusal_refused_on", table_name="refusal")
    op.drop_table("refusal")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="4"))
