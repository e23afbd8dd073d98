"""The key clients' names are compared by, stored and indexed with the birth date.

Duplicates were looked for with SQL's lower(), which on SQLite folds only ASCII letters while the
code folded with Python's: `ÉLISE MÜLLER` registered twice gave two clients, and an import of
`ÖZTÜRK ALİ` twice gave two clients with two open referrals to the same receiver. The key is
made in Python by one function (rules.identity.name_key: Unicode NFKC, case folded, blanks
collapsed), so both databases compare alike. Existing clients get theirs here, with the same
function; anonymized ones keep none. The index on (name, birth_date) served only that look-up and
gives way to one on (name_key, birth_date). Also raises meta.schema_version to 3.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from optima_cli.rules.identity import name_key

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
CLIENT = sa.table("client", sa.column("id", sa.Integer()), sa.column("name", sa.String()),
                  sa.column("name_key", sa.String()), sa.column("anonymized_on", sa.Date()))
BATCH = 5000


def upgrade() -> None:
    op.add_column("client", sa.Column("name_key", sa.String(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(CLIENT.c.id, CLIENT.c.name)
                              .where(CLIENT.c.anonymized_on.is_(None)).order_by(CLIENT.c.id)).all()
    statement = (CLIENT.update().where(CLIENT.c.id == sa.bindparam("client_id"))
                 .values(name_key=sa.bindparam("key")))
    for start in range(0, len(rows), BATCH):
        connection.execute(statement, [{"client_id": client_id, "key": name_key(name)}
                                       for client_id, name in rows[start:start + BATCH]])
    op.drop_index("ix_client_name_birth", table_name="client")
    op.create_index("ix_client_name_key_birth", "client", ["name_key", "birth_date"], unique=False)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="3"))


def downgrade() -> None:
    op.drop_index("ix_client_name_key_birth", table_name="client")
    op.create_index("ix_client_name_birth", "client", ["name", "birth_date"], unique=False)
    op.drop_column("client", "name_key")  # SQLite 3.35 and newer drop a column in place
    op.execute(META.update().where(META.c.key == "schema_version").values(value="2"))
