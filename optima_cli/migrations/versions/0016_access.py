"""Access control on the shared server (issue 20): the unit's group role in institution.access_role;
on PostgreSQL the group roles, row-level security and its functions (store/access.py `install`,
which every `db upgrade` runs again). Also raises meta.schema_version to 16.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from optima_cli.store import access

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))


def upgrade() -> None:
    op.add_column("institution", sa.Column("access_role", sa.String(), nullable=True))
    access.install(op.get_bind())
    op.execute(META.update().where(META.c.key == "schema_version").values(value="16"))


def downgrade() -> None:
    access.uninstall(op.get_bind())
    op.drop_column("institution", "access_role")  # SQLite 3.35 and newer drop it in place
    op.execute(META.update().where(META.c.key == "schema_version").values(value="15"))
