"""The answer whether a referral's problem is workable in the mandate (issue 16).

The criterion `workable-in-period` warned on every referral, which taught people to ignore
warnings. The counsellor now answers the question at the referral (`refer --workable yes|no`, a
prompt on a terminal, the import's column `workable`); column `referral.workable` keeps the
answer. It is nullable: a referral made before holds NULL, not answered (its stored finding,
workable/1, is left as it was). Down to 0006 the column goes and the findings of the answered
question (workable/2, /3, /4) become the warning optima gave before (workable/1), which an
older optima can read. Also raises meta.schema_version to 7.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

META = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
REFERRAL = sa.table("referral", sa.column("id", sa.Integer()), sa.column("findings", sa.Text()))
BATCH = 5000
ANSWERED = ("workable/2", "workable/3", "workable/4")
BEFORE = {"rule": "workable-in-period", "kind": "warn", "result": "warn", "key": "workable/1",
          "values": {}}


def _as_before(finding: Any) -> Any:
    return dict(BEFORE) if isinstance(finding, dict) and finding.get("key") in ANSWERED else finding


def upgrade() -> None:
    op.add_column("referral", sa.Column("workable", sa.Boolean(), nullable=True))
    op.execute(META.update().where(META.c.key == "schema_version").values(value="7"))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(REFERRAL.c.id, REFERRAL.c.findings)
                              .where(REFERRAL.c.findings.like('%"workable/%'))
                              .order_by(REFERRAL.c.id)).all()
    changed = []
    for referral_id, text in rows:
        try:
            findings = json.loads(text or "[]")
        except ValueError:
            continue  # not optima's: left as it is (doctor names it)
        if isinstance(findings, list) and any(f != _as_before(f) for f in findings):
            changed.append({"referral_id": referral_id,
                            "text": json.dumps([_as_before(f) for f in findings])})
    statement = (REFERRAL.update().where(REFERRAL.c.id == sa.bindparam("referral_id"))
                 .values(findings=sa.bindparam("text")))
    for start in range(0, len(changed), BATCH):
        connection.execute(statement, changed[start:start + BATCH])
    op.drop_column("referral", "workable")  # SQLite 3.35 and newer drop a column in place
    op.execute(META.update().where(META.c.key == "schema_version").values(value="6"))
