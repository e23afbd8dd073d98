"""The open cases by the stored day their deadline counts from (issue 21): `list` and `due` read
their first rows in deadline order through an index instead of sorting every open case. A
referral's deadline counts from its referral day, an accepted case's is its mandate end
(rules/deadlines.py `deadline_rules`); within one status the days added are the same, so the
stored day orders them and no column depends on the settings. Also raises meta.schema_version
to 17.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_index("ix_referral_status_due_on", "referral", ["status", "due_on"], unique=False)
    op.create_index("ix_referral_status_referred_on", "referral", ["status", "referred_on"],
                    unique=False)
    op.create_index("ix_referral_extended_on", "referral", ["extended_on"], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="17"))


def downgrade() -> None:
    op.drop_index("ix_referral_extended_on", table_name="referral")
    op.drop_index("ix_referral_status_referred_on", table_name="referral")
    op.drop_index("ix_referral_status_due_on", table_name="referral")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="16"))
