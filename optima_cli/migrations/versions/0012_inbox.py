"""Between the institutions (issue 18): the inbox of a unit, assign, forward and the handback.

- `institution.contact_user`: the login name of the unit's contact person (Ansprechperson), whose
  `optima inbox` shows the unit's without --unit;
- `referral.handback`, `referral.handback_read_on`: the summary for the referrer at the closing
  (`close --handback`), and the day the referrer read it (None: unread, in the referrer's inbox);
- table `forward`: each forwarding of an undecided referral to another unit of the same kind
  (`optima forward`), what the report counts as forwarded in a period.
Also raises meta.schema_version to 12.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.add_column("institution", sa.Column("contact_user", sa.String(), nullable=True))
    op.add_column("referral", sa.Column("handback", sa.String(), nullable=True))
    op.add_column("referral", sa.Column("handback_read_on", sa.Date(), nullable=True))
    op.create_table("forward",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("referral_id", sa.Integer(), nullable=False),
                    sa.Column("forwarded_on", sa.Date(), nullable=False),
                    sa.Column("from_id", sa.Integer(), nullable=False),
                    sa.Column("to_id", sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(["referral_id"], ["referral.id"]),
                    sa.ForeignKeyConstraint(["from_id"], ["institution.id"]),
                    sa.ForeignKeyConstraint(["to_id"], ["institution.id"]),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_forward_referral_id", "forward", ["referral_id"], unique=False)
    op.create_index("ix_forward_forwarded_on", "forward", ["forwarded_on"], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="12"))


def downgrade() -> None:
    op.drop_index("ix_forward_forwarded_on", table_name="forward")
    op.drop_index("ix_forward_referral_id", table_name="forward")
    op.drop_table("forward")
    op.drop_column("referral", "handback_read_on")  # SQLite 3.35 and newer drop it in place
    op.drop_column("referral", "handback")
    op.drop_column("institution", "contact_user")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="11"))
