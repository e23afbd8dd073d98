"""Audit payloads and findings stored packed (issue 21): half the database at the same data.

An audit event's payload and a referral's findings repeat the same JSON keys in every row (at
100,000 referrals the payloads held 199 MB, the findings 84 MB). They are now stored packed
(records/packing.py: deflated against a fixed dictionary of optima's keys, in base64 after the tag
``z1``) and read back as the very same text. The text is what the trail hashes (a payload's hash is
over its canonical JSON), so no hash changes, no event is re-chained, and `audit verify` proves
what it proved before; an erased payload stays NULL. This packs what exists, in batches; the
downgrade unpacks it. Also raises meta.schema_version to 18.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from optima_cli.records import packing

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
# (table, column): read and written as the plain text the database holds, not through the model
PACKED = (("audit_event", "payload"), ("referral", "findings"))
BATCH = 5000


def _rewrite(how: Callable[[str], str]) -> None:
    bind = op.get_bind()
    for name, column in PACKED:
        table = sa.table(name, sa.column("id", sa.Integer()), sa.column(column, sa.Text()))
        update = (table.update().where(table.c.id == sa.bindparam("row_id"))
                  .values({column: sa.bindparam("value")}))
        last = 0
        while True:
            rows = bind.execute(sa.select(table.c.id, table.c[column])
                                .where(table.c.id > last, table.c[column].is_not(None))
                                .order_by(table.c.id).limit(BATCH)).all()
            if not rows:
                break
            last = rows[-1][0]
            done = [(i, v, how(v)) for i, v in rows if isinstance(v, str)]
            changed = [{"row_id": i, "value": new} for i, old, new in done if new != old]
            if changed:
                bind.execute(update, changed)


def upgrade() -> None:
    _rewrite(lambda text: packing.pack(packing.unpack(text)))
    op.execute(META.update().where(META.c.key == "schema_version").values(value="18"))


def downgrade() -> None:
    _rewrite(packing.unpack)
    op.execute(META.update().where(META.c.key == "schema_version").values(value="17"))
