"""Settings of the steering group: the months and days of the criteria and the deadlines, and how
strictly each rule binds, stored in the database and shared by all who use it (issue 16).

Table `setting_change` keeps every change (its id is the version of the settings it makes: when,
who, the key and the value as text); the settings in force are the defaults overlaid with the
latest value of each key. Each referral keeps the version its criteria were judged under
(`referral.settings_version`, 0 for the defaults, which every existing referral was judged by).
Also raises meta.schema_version to 8.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.create_table("setting_change",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("actor", sa.String(), nullable=False),
                    sa.Column("key", sa.String(), nullable=False),
                    sa.Column("value", sa.String(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_setting_change_at", "setting_change", ["at"], unique=False)
    # every referral so far was judged under the defaults: version 0
    op.add_column("referral", sa.Column("settings_version", sa.Integer(), nullable=False,
                                        server_default="0"))
    op.execute(META.update().where(META.c.key == "schema_version").values(value="8"))


def downgrade() -> None:
    op.drop_column("referral", "settings_version")  # SQLite 3.35 and newer drop it in place
    op.drop_index("ix_setting_change_at", table_name="setting_change")
    op.drop_table("setting_change")
    op.execute(META.update().where(META.c.key == "schema_version").values(value="7"))
